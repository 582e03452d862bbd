import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { CORS_LOGGER_CONTEXT, CORS_POLICY_METADATA } from '../cors.constants.js';
import type { CorsPolicyDeclaration } from '../interfaces/cors-options.interface.js';
import type { CompiledPolicy, EffectivePolicy } from '../policy/compile-policy.js';
import { checkOrigin } from '../policy/decide.js';
import type { PolicyCompiler } from '../policy/policy-compiler.js';

/**
 * Metadata keys of `@nestjs/websockets` (not a dependency): `@WebSocketGateway()` marks the
 * class and stores its options, which Nest passes to the WebSocket adapter's `create()`.
 */
export const GATEWAY_METADATA = 'websockets:is_gateway';
const GATEWAY_OPTIONS = 'websockets:gateway_options';
const GATEWAY_PORT = 'port';

type Verdict = boolean | Promise<boolean>;
type AllowRequest = (
  request: IncomingMessage,
  callback: (error: unknown, ok: boolean) => void,
) => void;
type VerifyClient = (
  info: { origin: string; req: IncomingMessage; secure: boolean },
  callback: (ok: boolean, code?: number) => void,
) => void;
type CorsCallback = (error: Error | null, origin?: string | boolean) => void;

interface GatewayOptions {
  allowRequest?: AllowRequest;
  verifyClient?: VerifyClient;
  cors?: unknown;
  [key: string]: unknown;
}

/**
 * `@CorsPolicy()` on a WebSocket gateway: the Origin of each handshake is checked against the
 * gateway's policy (the module's defaults when it has none). Nest gives a module no hook into
 * the servers it creates for gateways, but it creates them from the options of
 * `@WebSocketGateway()`, read from the class's metadata when the application initialises. So,
 * while the application is being created, each gateway's options get the check in the form
 * each server takes:
 *  - socket.io (`IoAdapter`): `allowRequest`, which engine.io calls for every handshake (the
 *    long-polling transport and the WebSocket upgrade), and `cors`, which gives the polling
 *    transport's responses their CORS headers for allowed origins;
 *  - ws (`WsAdapter`): `verifyClient`, which `ws` calls for every upgrade.
 * A refused handshake ends with 403 before socket.io or ws creates a connection, so the
 * gateway's `handleConnection` never runs. The original options are put back once the
 * gateways are connected (`restore()`), so that the class's metadata is left as it was.
 *
 * What a handshake is allowed: one without `Origin` (not a browser, so not CORS), one from the
 * server's own origin (the Origin's host is the Host header: a page of the same server), and
 * one from an origin the policy allows. `null` (a sandboxed iframe, a `file:` page) is refused.
 */
export class GatewayOrigins {
  private readonly originals = new Map<Function, unknown>();
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);

  constructor(discovery: DiscoveryService, compiler: PolicyCompiler) {
    const seen = new Set<Function>();
    /** The first gateway of each server (port and path), and its declaration. */
    const servers = new Map<string, { name: string; declaration: unknown }>();
    for (const wrapper of discovery.getProviders()) {
      const gateway = wrapper.metatype as Function | undefined;
      if (typeof gateway !== 'function' || seen.has(gateway)) continue;
      seen.add(gateway);
      if (!Reflect.getMetadata(GATEWAY_METADATA, gateway)) continue;
      const declaration = Reflect.getOwnMetadata(CORS_POLICY_METADATA, gateway) as
        CorsPolicyDeclaration | undefined;
      const policy = compiler.controllerPolicy(gateway.name, declaration);
      const original = Reflect.getOwnMetadata(GATEWAY_OPTIONS, gateway) as
        GatewayOptions | undefined;
      const port = Reflect.getMetadata(GATEWAY_PORT, gateway) as unknown;
      const server = `${String(port ?? 0)} ${String(original?.path ?? '')}`;
      const first = servers.get(server);
      if (!first) servers.set(server, { name: gateway.name, declaration });
      else if (!sameDeclaration(first.declaration, declaration)) {
        compiler.issues.push({
          path: gateway.name,
          code: 'gateway-policies-differ',
          message: `the gateway shares its server (port and path) with ${first.name}, whose @CorsPolicy() differs; the server checks each handshake once, before it knows the gateway, so give both the same policy`,
          value: declaration,
        });
      }
      if (original?.cors !== undefined) {
        compiler.issues.push({
          path: gateway.name,
          code: 'conflicting-cors-layer',
          message:
            "the gateway sets socket.io's own cors option, which would answer its handshakes instead of the gateway's policy. Remove it and put its origins into @CorsPolicy() on the gateway",
          value: original.cors,
        });
      }
      this.originals.set(gateway, original);
      Reflect.defineMetadata(
        GATEWAY_OPTIONS,
        this.guardedOptions(original ?? {}, gateway.name, policy),
        gateway,
      );
    }
  }

  /** Puts each gateway's own options back, once Nest created its server from the guarded ones. */
  restore(): void {
    for (const [gateway, original] of this.originals) {
      if (original === undefined) Reflect.deleteMetadata(GATEWAY_OPTIONS, gateway);
      else Reflect.defineMetadata(GATEWAY_OPTIONS, original, gateway);
    }
    this.originals.clear();
  }

  private guardedOptions(
    original: GatewayOptions,
    name: string,
    policy: EffectivePolicy,
  ): GatewayOptions {
    const verdict = (request: IncomingMessage): Verdict => {
      const allowed = handshakeAllowed(policy, request, (error) =>
        this.logger.warn(
          `origin function of ${name} failed, so the handshake was refused: ${String(error)}`,
        ),
      );
      const explain = (ok: boolean) => {
        if (!ok)
          this.logger.debug(
            `Refused a WebSocket handshake to ${name} from ${String(request.headers.origin).slice(0, 200)}`,
          );
        return ok;
      };
      return isPromise(allowed) ? allowed.then(explain) : explain(allowed);
    };
    const own = original;
    const allowRequest: AllowRequest = (request, callback) =>
      settle(verdict(request), (ok) => {
        if (!ok) return callback('origin not allowed', false);
        if (own.allowRequest) return own.allowRequest(request, callback);
        callback(null, true);
      });
    const verifyClient: VerifyClient = (info, callback) =>
      settle(verdict(info.req), (ok) => {
        if (!ok) return callback(false, 403);
        if (!own.verifyClient) return callback(true);
        // ws calls a one-parameter verifyClient synchronously, and a two-parameter one with a callback.
        if (own.verifyClient.length < 2) {
          return callback((own.verifyClient as unknown as (i: typeof info) => boolean)(info));
        }
        own.verifyClient(info, callback);
      });
    const credentials = policy.enabled && policy.credentials;
    const cors = {
      origin: (origin: string | undefined, callback: CorsCallback) => {
        if (origin === undefined) return callback(null, false);
        const request = { headers: { origin } } as unknown as IncomingMessage;
        // The request itself is not handed to the cors package's callback: same verdict, by origin.
        settle(policy.enabled ? allowedByPolicy(policy, origin, request, () => {}) : false, (ok) =>
          callback(null, ok ? origin : false),
        );
      },
      credentials,
      ...(policy.enabled && policy.exposeHeaders ? { exposedHeaders: policy.exposeHeaders } : {}),
    };
    return { ...original, allowRequest, verifyClient, cors };
  }
}

/** Whether a handshake may connect (see `GatewayOrigins`). */
export function handshakeAllowed(
  policy: EffectivePolicy,
  request: IncomingMessage,
  onFailure: (error: unknown) => void,
): Verdict {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  if (sameOrigin(origin, request.headers.host)) return true;
  if (!policy.enabled) return false;
  return allowedByPolicy(policy, origin, request, onFailure);
}

function allowedByPolicy(
  policy: CompiledPolicy,
  origin: string,
  request: unknown,
  onFailure: (error: unknown) => void,
): Verdict {
  const verdict = checkOrigin(policy, origin, request, onFailure);
  return isPromise(verdict) ? verdict.then((v) => v === true) : verdict === true;
}

/** The Origin's host and port are the Host header's: a page of this very server. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase()
    );
  } catch {
    return false;
  }
}

const functionIds = new WeakMap<Function, number>();
let nextFunctionId = 1;

/**
 * The same object, the same policy name, or both absent; fields are compared as JSON, with
 * RegExps by their source and flags, and origin functions by identity.
 */
function sameDeclaration(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const json = (value: unknown) =>
    JSON.stringify(value, (_key, field: unknown) => {
      if (field instanceof RegExp) return `regexp ${String(field)}`;
      if (typeof field !== 'function') return field;
      if (!functionIds.has(field)) functionIds.set(field, nextFunctionId++);
      return `function ${functionIds.get(field)}`;
    });
  return json(a) === json(b);
}

function settle(verdict: Verdict, then: (ok: boolean) => void): void {
  if (isPromise(verdict)) verdict.then(then, () => then(false));
  else then(verdict);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
