import type { IncomingHttpHeaders } from 'node:http';
import type { ActualAnswer, PreflightAnswer, RequestFacts } from '../policy/decide.js';
import { mergeVary } from '../policy/vary.js';

/**
 * Everything that differs between Express and Fastify in reading a request and writing an
 * answer, in one place. Both request objects expose Node's `headers`, `method` and `url`; the
 * responses differ. The engine decides the answer; these only write it.
 */
export interface HttpPlatform<Req = any, Res = any> {
  readonly name: 'express' | 'fastify';
  /** Reads what the engine needs of a request, once. */
  factsOf(request: Req): RequestFacts;
  /**
   * Writes the CORS headers of an actual response (its `Vary` whether allowed or not). With
   * `onNode`, on the Node.js response itself, so that a response sent past the framework's
   * reply object carries them too (Fastify; Express has no other).
   */
  writeActual(response: Res, answer: ActualAnswer, onNode?: boolean): void;
  /** Takes back what `writeActual` wrote, but `Vary`, which may stay. */
  removeActual(response: Res): void;
  /** Sends the answer to a preflight: its headers and status, with no body. */
  sendPreflight(response: Res, answer: PreflightAnswer): void;
}

interface NodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): string | string[] | number | undefined;
  removeHeader(name: string): unknown;
  end(): unknown;
}

interface FastifyReply {
  header(name: string, value: string): unknown;
  getHeader(name: string): string | string[] | number | undefined;
  removeHeader(name: string): unknown;
  code(status: number): { send(): unknown };
  raw: NodeResponse;
}

interface NodeLikeRequest {
  headers: IncomingHttpHeaders;
  method?: string;
  url?: string;
}

/** Headers of an actual response, which `removeActual` takes back. */
const ACTUAL_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
];

function factsOf(request: NodeLikeRequest): RequestFacts {
  const headers = request.headers;
  const requestHeaders = headers['access-control-request-headers'];
  return {
    method: request.method ?? '',
    url: request.url ?? '',
    origin: headers.origin,
    requestMethod: headers['access-control-request-method'],
    requestHeaders: Array.isArray(requestHeaders) ? requestHeaders.join(',') : requestHeaders,
    privateNetwork: headers['access-control-request-private-network'] === 'true',
    request,
  };
}

type SetHeader<Res> = (response: Res, name: string, value: string) => void;

function writeAllowedActual<Res>(
  response: Res,
  answer: ActualAnswer & { allowed: true },
  set: SetHeader<Res>,
): void {
  set(response, 'Access-Control-Allow-Origin', answer.allowOrigin);
  if (answer.allowCredentials) set(response, 'Access-Control-Allow-Credentials', 'true');
  if (answer.exposeHeaders) set(response, 'Access-Control-Expose-Headers', answer.exposeHeaders);
}

function writeAllowedPreflight<Res>(
  response: Res,
  answer: PreflightAnswer & { allowed: true },
  set: SetHeader<Res>,
): void {
  set(response, 'Access-Control-Allow-Origin', answer.allowOrigin);
  if (answer.allowCredentials) set(response, 'Access-Control-Allow-Credentials', 'true');
  set(response, 'Access-Control-Allow-Methods', answer.allowMethods);
  if (answer.allowHeaders !== '')
    set(response, 'Access-Control-Allow-Headers', answer.allowHeaders);
  set(response, 'Access-Control-Max-Age', answer.maxAge);
  if (answer.allowPrivateNetwork) set(response, 'Access-Control-Allow-Private-Network', 'true');
  // Safari needs Content-Length 0 on a bodiless 204, or it waits for a body.
  set(response, 'Content-Length', '0');
}

const setOnNode: SetHeader<NodeResponse> = (res, name, value) => res.setHeader(name, value);
const setOnReply: SetHeader<FastifyReply> = (reply, name, value) => reply.header(name, value);

function appendVaryOnNode(res: NodeResponse, names: string): void {
  const merged = mergeVary(res.getHeader('vary'), names);
  if (merged !== undefined) res.setHeader('Vary', merged);
}

const expressPlatform: HttpPlatform<NodeLikeRequest, NodeResponse> = {
  name: 'express',
  factsOf,
  writeActual(res, answer) {
    if (answer.vary !== undefined) appendVaryOnNode(res, answer.vary);
    if (answer.allowed) writeAllowedActual(res, answer, setOnNode);
  },
  removeActual(res) {
    for (const name of ACTUAL_HEADERS) res.removeHeader(name);
  },
  sendPreflight(res, answer) {
    appendVaryOnNode(res, answer.vary);
    if (answer.allowed) writeAllowedPreflight(res, answer, setOnNode);
    else res.setHeader('Content-Length', '0');
    res.statusCode = answer.status;
    res.end();
  },
};

const fastifyPlatform: HttpPlatform<NodeLikeRequest, FastifyReply> = {
  name: 'fastify',
  factsOf,
  // `reply.header()` is cheapest: Fastify writes the reply's headers in one `writeHead()`, and
  // any header set on the Node.js response makes that call merge them one by one. Where a
  // response may be sent past this reply (the error response of a throwing Nest middleware goes
  // through a new reply; see `FastifyRouter.needsNodeResponse`), `onNode` puts them on the
  // Node.js response instead, which Fastify merges into every response it sends.
  writeActual(reply, answer, onNode) {
    if (answer.vary !== undefined) {
      // `getHeader` reads the reply's own value (from `@Header()`) first, then the raw one.
      // Where there is a value, it may be the reply's own, which would win: update both then.
      const current = reply.getHeader('vary');
      const merged = mergeVary(current, answer.vary);
      if (merged !== undefined) {
        if (!onNode) reply.header('Vary', merged);
        else {
          reply.raw.setHeader('Vary', merged);
          if (current !== undefined) reply.header('Vary', merged);
        }
      }
    }
    if (!answer.allowed) return;
    if (onNode) writeAllowedActual(reply.raw, answer, setOnNode);
    else writeAllowedActual(reply, answer, setOnReply);
  },
  removeActual(reply) {
    for (const name of ACTUAL_HEADERS) {
      reply.raw.removeHeader(name);
      reply.removeHeader(name);
    }
  },
  // A preflight answer is sent through the same reply: `reply.header()` is enough, and cheapest.
  sendPreflight(reply, answer) {
    const merged = mergeVary(reply.getHeader('vary'), answer.vary);
    if (merged !== undefined) reply.header('Vary', merged);
    if (answer.allowed) writeAllowedPreflight(reply, answer, setOnReply);
    else reply.header('Content-Length', '0');
    reply.code(answer.status).send();
  },
};

/** The platform of a Nest HTTP adapter, from `httpAdapter.getType()`. */
export function platformOf(adapterType: string): HttpPlatform | undefined {
  if (adapterType === 'express') return expressPlatform;
  if (adapterType === 'fastify') return fastifyPlatform;
  return undefined;
}
