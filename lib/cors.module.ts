import {
  type DynamicModule,
  type HttpServer,
  Inject,
  Module,
  type NestModule,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import {
  APP_INTERCEPTOR,
  DiscoveryModule,
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  Reflector,
} from '@nestjs/core';
import { CORS_POLICY_COMPILER, CORS_POLICY_METADATA } from './cors.constants.js';
import { CorsInterceptor } from './cors.interceptor.js';
import {
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
import { captureRoutes, routeMarkerOf, type CapturedRoute } from './nest/route-capture.js';
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
 * before routing (preflights, early errors) and by a global interceptor (the exact handler).
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
      useFactory: (options: CorsModuleOptions) => new PolicyCompiler(options),
      inject: [CORS_MODULE_OPTIONS],
    },
    {
      provide: CorsResponder,
      useFactory: (options: CorsModuleOptions) => new CorsResponder(options?.debug === true),
      inject: [CORS_MODULE_OPTIONS],
    },
    CorsRegistry,
    { provide: APP_INTERCEPTOR, useClass: CorsInterceptor },
  ],
})
export class CorsModule extends ConfigurableCorsModule implements NestModule, OnModuleInit {
  /**
   * `forRoot()` with no options means the secure defaults (no origin is allowed until a policy
   * says so). The generated method cannot take `undefined`: it reads the keys of its argument.
   */
  static forRoot(options: typeof CORS_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  private readonly targetsByMarker = new Map<object, RouteTarget[]>();
  private finishCapture: (() => CapturedRoute[]) | undefined;

  constructor(
    @Inject(CORS_POLICY_COMPILER) private readonly compiler: PolicyCompiler,
    private readonly registry: CorsRegistry,
    private readonly responder: CorsResponder,
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /**
   * Runs during `app.init()`, after the controllers exist and right before Nest registers its
   * routes: the one moment to compile every policy and to watch the routes being registered.
   */
  configure(): void {
    this.compileHandlerPolicies();
    if (this.compiler.issues.length > 0) throw new CorsConfigurationError(this.compiler.issues);
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const platform = platformOf(adapter.getType());
    if (!platform) {
      throw new Error(
        `CorsModule supports the Express and Fastify adapters, not '${adapter.getType()}'`,
      );
    }
    this.responder.attach(platform);
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
    this.registry.setRouteTable(
      new RouteTable(routes, {
        caseSensitive: matching?.caseSensitive ?? true,
        ignoreTrailingSlash: matching?.ignoreTrailingSlash ?? false,
        orderSensitive: adapter.isRouteOrderSensitive?.() ?? true,
      }),
    );
  }

  private compileHandlerPolicies(): void {
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
        targets.push(target);
        this.targetsByMarker.set(marker, targets);
      }
    }
  }

  private declarationOf(target: Function): CorsPolicyDeclaration | undefined {
    return this.reflector.get<CorsPolicyDeclaration | undefined>(CORS_POLICY_METADATA, target);
  }
}
