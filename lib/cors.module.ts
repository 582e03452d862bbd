import {
  type DynamicModule,
  type HttpServer,
  Inject,
  Logger,
  Module,
  type NestModule,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import {
  ApplicationConfig,
  DiscoveryModule,
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  ModulesContainer,
  Reflector,
} from '@nestjs/core';
import {
  CORS_LOGGER_CONTEXT,
  CORS_POLICY_COMPILER,
  CORS_POLICY_METADATA,
} from './cors.constants.js';
import { CorsInterceptor } from './cors.interceptor.js';
import {
  type CORS_ASYNC_OPTIONS_TYPE,
  CORS_MODULE_OPTIONS,
  type CORS_OPTIONS_TYPE,
  ConfigurableCorsModule,
} from './cors.module-definition.js';
import { CorsRegistry, type RouteTarget } from './cors-registry.js';
import { createCorsRequestHook } from './cors-request-hook.js';
import { CorsResponder } from './cors-responder.js';
import type {
  CorsModuleOptions,
  CorsPolicyDeclaration,
} from './interfaces/cors-options.interface.js';
import { conflictingCorsLayers, refuseLaterEnableCors } from './nest/conflicting-cors-layers.js';
import { interceptorNeed } from './nest/interceptor-need.js';
import {
  assertConfiguredOnce,
  CORS_MODULE_ROOT,
  type CorsModuleRoot,
  markRoot,
} from './nest/module-misuse.js';
import { captureRoutes, routeMarkerOf, type CapturedRoute } from './nest/route-capture.js';
import { misplacedPolicies } from './nest/policy-placement.js';
import { installRequestHook } from './nest/request-hook.js';
import { platformOf } from './platform/http-platform.js';
import { CorsConfigurationError } from './policy/configuration-issue.js';
import { PolicyCompiler } from './policy/policy-compiler.js';
import { type RegisteredRoute, RouteTable } from './routing/route-table.js';

/**
 * Declarative CORS for a Nest application. Import it once with `forRoot()` (or `forRootAsync()`);
 * it is global. Mark controllers and handlers with `@CorsPolicy()`.
 *
 * When the application initialises, every policy is checked and compiled, and every problem is
 * thrown at once as a `CorsConfigurationError`. Requests are then answered by a hook that runs
 * before routing (preflights, early errors), and by an interceptor where a path alone cannot tell
 * the handler.
 *
 * @example
 * \@Module({ imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })] })
 * export class AppModule {}
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: CORS_POLICY_COMPILER,
      useFactory: (root: CorsModuleRoot | undefined, options: unknown, modules: ModulesContainer) =>
        new PolicyCompiler(
          options as CorsModuleOptions,
          assertConfiguredOnce(root, modules, CorsModule).path,
        ),
      inject: [
        { token: CORS_MODULE_ROOT, optional: true },
        { token: CORS_MODULE_OPTIONS, optional: true },
        ModulesContainer,
      ],
    },
    {
      provide: CorsResponder,
      useFactory: (options?: CorsModuleOptions) => new CorsResponder(options?.debug === true),
      inject: [{ token: CORS_MODULE_OPTIONS, optional: true }],
    },
    CorsRegistry,
    CorsInterceptor,
  ],
})
export class CorsModule extends ConfigurableCorsModule implements NestModule, OnModuleInit {
  /**
   * `forRoot()` with no options means the secure defaults (no origin is allowed until a policy
   * says so). The generated method cannot take `undefined`: it reads the keys of its argument.
   */
  static forRoot(options: typeof CORS_OPTIONS_TYPE = {}): DynamicModule {
    // Not an object (null, from untyped config): the generated method would throw a TypeError
    // reading its keys; the compiler reports it instead, as any other wrong value.
    if (options !== null && typeof options === 'object')
      return markRoot(super.forRoot(options), 'CorsModule.forRoot');
    return markRoot(super.forRoot({}), 'CorsModule.forRoot', {
      token: CORS_MODULE_OPTIONS,
      value: options,
    });
  }

  /** `forRoot()` with options from a factory, a class or an existing provider. */
  static forRootAsync(options: typeof CORS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return markRoot(super.forRootAsync(options), 'CorsModule.forRootAsync');
  }

  private readonly targetsByMarker = new Map<object, RouteTarget[]>();
  private finishCapture: (() => CapturedRoute[]) | undefined;
  /** Why the interceptor is bound (the first handler that needs it), if it is. */
  private interceptorReason: string | undefined;

  constructor(
    @Inject(CORS_POLICY_COMPILER) private readonly compiler: PolicyCompiler,
    private readonly registry: CorsRegistry,
    private readonly responder: CorsResponder,
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
    private readonly interceptor: CorsInterceptor,
  ) {
    super();
  }

  /**
   * Runs during `app.init()`, after the controllers exist and right before Nest registers its
   * routes: the one moment to compile every policy and to watch the routes being registered.
   */
  configure(): void {
    this.compileHandlerPolicies();
    const adapter = this.adapterHost.httpAdapter;
    const issues = [
      ...this.compiler.issues,
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
    this.responder.attach(platform, this.interceptorReason !== undefined);
    if (this.interceptorReason) {
      // Before the routes exist: Nest reads the global interceptors when it creates each route.
      this.appConfig.useGlobalInterceptors(this.interceptor);
      new Logger(CORS_LOGGER_CONTEXT).log(
        `CorsInterceptor bound to every route, since the path alone cannot tell the handler: ${this.interceptorReason}`,
      );
    }
    this.finishCapture = captureRoutes(adapter);
    installRequestHook(adapter, createCorsRequestHook(this.registry, this.responder, platform));
  }

  /** Runs after Nest registered its routes: builds the table the pre-routing hook looks up. */
  onModuleInit(): void {
    const captured = this.finishCapture?.();
    this.finishCapture = undefined;
    const adapter = this.adapterHost.httpAdapter as HttpServer | undefined;
    if (!captured || !adapter) return;
    const routes: RegisteredRoute<RouteTarget>[] = [];
    for (const { method, path, marker } of captured) {
      for (const target of (marker && this.targetsByMarker.get(marker)) || []) {
        routes.push({ method, path, target });
      }
    }
    const matching = adapter.getRouteMatchingOptions?.();
    const table = new RouteTable(routes, {
      caseSensitive: matching?.caseSensitive ?? true,
      ignoreTrailingSlash: matching?.ignoreTrailingSlash ?? false,
      orderSensitive: adapter.isRouteOrderSensitive?.() ?? true,
    });
    if (!this.interceptorReason) this.assertHookIsExact(table);
    this.registry.setRouteTable(table);
  }

  /**
   * Without the interceptor, the hook must find every handler from its path. What the startup
   * checks in `interceptorNeed` did not foresee is a loud error, never a route without CORS.
   */
  private assertHookIsExact(table: RouteTable<RouteTarget>): void {
    const unclear = [
      ...table.unreadable,
      ...table.shared
        .filter(({ targets }) => targets.some((target) => target.policy !== targets[0].policy))
        .map(
          ({ method, path, targets }) =>
            `${method} ${path} (${targets.map((t) => t.name).join(', ')})`,
        ),
    ];
    if (unclear.length > 0) {
      throw new Error(
        `CorsModule cannot tell from the path which handler serves these routes: ${unclear.join('; ')}. ` +
          'Give the handlers sharing a route the same @CorsPolicy(), or report this as a bug.',
      );
    }
  }

  private compileHandlerPolicies(): void {
    const versioning = this.appConfig.getVersioning();
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller?.prototype) continue;
      const controllerDeclaration = this.declarationOf(controller);
      const controllerPolicy = this.compiler.controllerPolicy(
        controller.name,
        controllerDeclaration,
      );
      for (const methodName of this.metadataScanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[methodName] as Function;
        const name = `${controller.name}.${methodName}`;
        const policy = this.compiler.handlerPolicy(
          name,
          controllerDeclaration,
          controllerPolicy,
          this.declarationOf(handler),
        );
        const target: RouteTarget = { name, policy };
        this.registry.add(controller, handler, target);
        const marker = routeMarkerOf(handler);
        const targets = this.targetsByMarker.get(marker) ?? [];
        if (targets.some((other) => other.policy !== policy)) {
          this.interceptorReason ??= `${name} shares its method with ${targets[0].name}`;
        }
        targets.push(target);
        this.targetsByMarker.set(marker, targets);
        const varies = policy.enabled && policy.varyOnOrigin;
        this.interceptorReason ??= interceptorNeed(controller, handler, versioning, varies);
      }
    }
  }

  private declarationOf(target: Function): CorsPolicyDeclaration | undefined {
    return this.reflector.get<CorsPolicyDeclaration | undefined>(CORS_POLICY_METADATA, target);
  }
}
