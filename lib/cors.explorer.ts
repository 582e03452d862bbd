import { Inject, Injectable, Logger, Optional, type Type } from '@nestjs/common';
import {
  ApplicationConfig,
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  Reflector,
} from '@nestjs/core';
import {
  CORS_LOGGER_CONTEXT,
  CORS_POLICY_COMPILER,
  CORS_POLICY_METADATA,
} from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import { createCorsRequestHook } from './cors-request-hook.js';
import { CorsResponder } from './cors-responder.js';
import type {
  CorsModuleOptions,
  CorsPolicyDeclaration,
} from './interfaces/cors-options.interface.js';
import { conflictingCorsLayers, refuseLaterEnableCors } from './nest/conflicting-cors-layers.js';
import { misplacedPolicies } from './nest/policy-placement.js';
import { installRequestHook } from './nest/request-hook.js';
import { captureRoutes, type RouteRegistration, routeMarkerOf } from './nest/route-capture.js';
import {
  isHostBound,
  isRouteHandler,
  keepOriginInOwnVary,
  passesRequestsOn,
} from './nest/route-metadata.js';
import { ExpressRouter } from './platform/express-router.js';
import { FastifyRouter, type FastifyInstanceLike } from './platform/fastify-router.js';
import { platformOf } from './platform/http-platform.js';
import type { HttpPlatform } from './platform/http-platform.js';
import type { PlatformRouter } from './platform/platform-router.js';
import { CorsConfigurationError } from './policy/configuration-issue.js';
import type { PolicyCompiler } from './policy/policy-compiler.js';
import { type CorsPolicySummary, summarizePolicy } from './policy/policy-summary.js';
import { PathPolicies } from './routing/path-policies.js';
import type { RouteTarget } from './routing/route-target.js';

/** What a route target's policy was compiled from, so that an update can compile it again. */
export interface TargetDeclarations {
  readonly target: RouteTarget;
  /** The controller's name, the path of its issues. */
  readonly controller: string;
  readonly controllerDeclaration: CorsPolicyDeclaration | undefined;
  readonly declaration: CorsPolicyDeclaration | undefined;
}

/** One route as Nest registered it, in registration order. */
export interface RegisteredRoute {
  /** Upper-case, or `ALL`. */
  readonly method: string;
  readonly path: string;
  readonly target: RouteTarget;
}

/** The request path's parts, for `CorsInspector.check()`, which decides through them. */
export interface CorsRuntime {
  readonly router: PlatformRouter;
  readonly responder: CorsResponder;
  readonly platform: HttpPlatform;
}

/**
 * The module's startup work. `prepare()` runs during `app.init()` right before Nest registers
 * its routes: it compiles every policy (throwing every configuration problem at once), asks the
 * platform's router to remember each route's target as Nest registers it, and installs the
 * request hook. `finish()` runs after the routes exist and fails the startup when a route
 * handler was never seen registered, so that no route is silently left without CORS.
 */
@Injectable()
export class CorsExplorer {
  private readonly targets: RouteTarget[] = [];
  /** Every route target with its declarations, in discovery order. */
  readonly declarations: TargetDeclarations[] = [];
  /** Every route Nest registered for a controller handler, in registration order. */
  readonly routes: RegisteredRoute[] = [];
  /** Set once the request hook is installed. */
  runtime: CorsRuntime | undefined;
  private readonly targetsByMarker = new Map<object, RouteTarget[]>();
  private readonly registered = new Set<RouteTarget>();
  private readonly unidentified: string[] = [];
  private paths: PathPolicies | undefined;

  /** The policies of `forRoot({ paths })`, when there are any (for `CorsInspector`). */
  get pathPolicies(): PathPolicies | undefined {
    return this.paths && this.paths.size > 0 ? this.paths : undefined;
  }
  private finishCapture: (() => void) | undefined;
  /** Some `@Options()` (or `@All()`) route has CORS off: it answers preflights itself. */
  ownOptionsWithoutCors = false;

  constructor(
    @Inject(CORS_POLICY_COMPILER) private readonly compiler: PolicyCompiler,
    // Optional: without forRoot(), the compiler's factory throws a sentence instead of a DI trace.
    @Optional()
    @Inject(CORS_MODULE_OPTIONS)
    private readonly options: CorsModuleOptions | undefined,
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
  ) {}

  prepare(): void {
    this.compileTargets();
    this.paths = new PathPolicies(this.options?.paths, this.compiler);
    // Path policies switch with runtime updates as routes do: on top of the module's defaults.
    for (const { path, declaration, target } of this.paths.entries()) {
      this.declarations.push({
        target,
        controller: path,
        controllerDeclaration: undefined,
        declaration,
      });
    }
    const adapter = this.adapterHost.httpAdapter;
    const issues = [
      ...this.compiler.issues,
      ...this.paths.issues,
      ...misplacedPolicies(this.discovery, this.metadataScanner),
      ...(adapter ? conflictingCorsLayers(adapter) : []),
    ];
    if (issues.length > 0) throw new CorsConfigurationError(issues);
    for (const warning of this.compiler.warnings) {
      new Logger(CORS_LOGGER_CONTEXT).warn(`${warning.path}: ${warning.message} [${warning.code}]`);
    }
    if (!adapter) return;
    refuseLaterEnableCors(adapter);
    const platform = platformOf(adapter.getType());
    if (!platform) {
      throw new Error(
        `CorsModule supports the Express and Fastify adapters, not '${adapter.getType()}'`,
      );
    }
    const responder = new CorsResponder(platform, this.options?.debug === true);
    const instance: unknown = adapter.getInstance();
    const router: PlatformRouter =
      platform.name === 'express'
        ? new ExpressRouter(instance as object, {
            enter: (target, request, response) =>
              responder.enter(target, request as Record<PropertyKey, unknown>, response),
            leave: (request, response) =>
              responder.leave(request as Record<PropertyKey, unknown>, response),
          })
        : new FastifyRouter(instance as FastifyInstanceLike, {
            enter: (target, request, reply) =>
              responder.applyActual(
                target,
                platform.factsOf(request),
                reply,
                router.needsNodeResponse(),
              ),
            removeActual: (reply) => platform.removeActual(reply),
          });
    router.verify();
    this.finishCapture = captureRoutes(adapter, {
      route: (registration) => {
        const target = this.targetOf(registration);
        if (!target) return registration.register(registration.handler);
        this.registered.add(target);
        this.routes.push({ method: registration.method, path: registration.path, target });
        const { method } = registration;
        if ((method === 'OPTIONS' || method === 'ALL') && !target.policy.enabled) {
          this.ownOptionsWithoutCors = true;
        }
        return router.registerRoute(target, registration.handler, registration.register);
      },
      middleware: (callback, register) => router.registerMiddleware(callback, register),
      nestLayers: (name, args, register) => router.registerNestLayers(name, args, register),
    });
    const paths = this.paths.size > 0 ? this.paths : undefined;
    installRequestHook(adapter, createCorsRequestHook(router, responder, platform, this, paths));
    this.runtime = { router, responder, platform };
  }

  finish(): void {
    if (!this.finishCapture) return;
    this.finishCapture();
    this.finishCapture = undefined;
    const unseen = this.targets.filter((target) => !this.registered.has(target));
    const problems = [
      ...unseen.map((target) => `${target.name} was never seen registered as a route`),
      ...this.unidentified,
    ];
    const served = this.paths?.servedByControllers(this.routes.map((route) => route.path)) ?? [];
    if (served.length > 0) throw new CorsConfigurationError(served);
    if (problems.length > 0) {
      throw new Error(
        `CorsModule cannot tell the CORS policy of every route: ${problems.join('; ')}. ` +
          'No route may be left without its policy; please report this with your Nest version.',
      );
    }
    if (this.options?.debug === true) logRouteTable(this.routes);
  }

  /** The target of a route Nest registers, from the marker its handler carries. */
  private targetOf(registration: RouteRegistration): RouteTarget | undefined {
    const { marker, handler, method, path } = registration;
    const targets = marker ? this.targetsByMarker.get(marker) : undefined;
    if (!targets) return undefined;
    if (targets.length === 1) return targets[0];
    // One method inherited by several controllers: Nest names the handler `Controller.method`.
    const named = targets.find((target) => target.name === handler.name);
    if (named) return named;
    // Registered without its name (Nest defers registration to sort routes or detect conflicts):
    // where the policies agree, the route is any of them.
    if (targets.every((target) => target.policy === targets[0].policy)) {
      for (const target of targets) this.registered.add(target);
      return targets[0];
    }
    this.unidentified.push(
      `${method} ${path} is served by one of ${targets.map((t) => t.name).join(', ')}`,
    );
    return undefined;
  }

  private compileTargets(): void {
    const versioning = this.appConfig.getVersioning();
    // One controller class listed in several modules (mounted at several paths with
    // RouterModule) has one set of handlers and policies.
    const seen = new Set<Function>();
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller?.prototype || seen.has(controller)) continue;
      seen.add(controller);
      const controllerDeclaration = this.declarationOf(controller);
      const controllerPolicy = this.compiler.controllerPolicy(
        controller.name,
        controllerDeclaration,
      );
      const passesOn = passesRequestsOn(controller, versioning);
      const hostBound = isHostBound(controller);
      for (const methodName of this.metadataScanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[methodName] as Function;
        const name = `${controller.name}.${methodName}`;
        const declaration = this.declarationOf(handler);
        const policy = this.compiler.handlerPolicy(
          name,
          controllerDeclaration,
          controllerPolicy,
          declaration,
        );
        if (!isRouteHandler(handler)) continue;
        // Nest reads a handler's own `Vary` once: where `CorsPolicies` may later make the
        // policy depend on the origin, `Origin` is kept in it from the start.
        const mayVary =
          policy.enabled &&
          (policy.varyOnOrigin || !originFixed(controllerDeclaration, declaration));
        if (mayVary) keepOriginInOwnVary(handler);
        const target: RouteTarget = { name, policy, passesOn, hostBound };
        this.targets.push(target);
        this.declarations.push({
          target,
          controller: controller.name,
          controllerDeclaration,
          declaration,
        });
        const marker = routeMarkerOf(handler);
        const sharing = this.targetsByMarker.get(marker);
        if (sharing) sharing.push(target);
        else this.targetsByMarker.set(marker, [target]);
      }
    }
  }

  private declarationOf(target: Function): CorsPolicyDeclaration | undefined {
    return this.reflector.get<CorsPolicyDeclaration | undefined>(CORS_POLICY_METADATA, target);
  }
}

/**
 * Whether a decorator's own fields set the origin of a handler's policy, so that no update of
 * a named policy or of the defaults can change it.
 */
function originFixed(
  controllerDeclaration: CorsPolicyDeclaration | undefined,
  declaration: CorsPolicyDeclaration | undefined,
): boolean {
  const setsOrigin = (level: CorsPolicyDeclaration | undefined) =>
    typeof level === 'object' && level !== null && level.origin !== undefined;
  if (setsOrigin(declaration)) return true;
  return typeof declaration !== 'string' && setsOrigin(controllerDeclaration);
}

/** `debug: true`: every route and its effective policy, logged once at startup. */
function logRouteTable(routes: readonly RegisteredRoute[]): void {
  const logger = new Logger(CORS_LOGGER_CONTEXT);
  logger.log(`CORS policy of ${routes.length} route${routes.length === 1 ? '' : 's'}:`);
  for (const { method, path, target } of routes) {
    logger.log(
      `${method} ${path} -> ${target.name}: ${describePolicy(summarizePolicy(target.policy))}`,
    );
  }
}

function describePolicy(summary: CorsPolicySummary): string {
  if (!summary) return 'CORS off';
  const origins = summary.origins.length > 0 ? summary.origins.join(' ') : 'no origin';
  const parts = [
    `origins ${origins}${summary.originFunction ? ' (and an origin function)' : ''}`,
    summary.credentials ? 'credentials' : 'no credentials',
    `methods ${summary.methods === 'routed' ? 'as routed' : summary.methods.join(',')}`,
    `headers ${Array.isArray(summary.allowedHeaders) ? summary.allowedHeaders.join(',') : summary.allowedHeaders}`,
  ];
  if (summary.exposedHeaders.length > 0) parts.push(`exposes ${summary.exposedHeaders.join(',')}`);
  return `${parts.join(', ')}, max-age ${summary.maxAge} (${summary.source})`;
}
