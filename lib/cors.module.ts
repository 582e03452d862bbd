import { type DynamicModule, Module, type NestModule, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModulesContainer } from '@nestjs/core';
import { CORS_POLICY_COMPILER } from './cors.constants.js';
import { CorsExplorer } from './cors.explorer.js';
import { CorsInspector } from './cors.inspector.js';
import { CorsPolicies } from './cors-policies.js';
import {
  type CORS_ASYNC_OPTIONS_TYPE,
  CORS_MODULE_OPTIONS,
  type CORS_OPTIONS_TYPE,
  ConfigurableCorsModule,
} from './cors.module-definition.js';
import type { CorsModuleOptions } from './interfaces/cors-options.interface.js';
import {
  assertConfiguredOnce,
  CORS_MODULE_ROOT,
  type CorsModuleRoot,
  markRoot,
} from './nest/module-misuse.js';
import { GatewayOrigins } from './nest/gateway-origin.js';
import { PolicyCompiler } from './policy/policy-compiler.js';

/**
 * Declarative CORS for a Nest application. Import it once with `forRoot()` (or `forRootAsync()`);
 * it is global. Mark controllers and handlers with `@CorsPolicy()`.
 *
 * When the application initialises, every policy is checked and compiled, and every problem is
 * thrown at once as a `CorsConfigurationError`. Requests are then answered with the policy of
 * the handler the platform's router runs (see `CorsExplorer`).
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
    CorsExplorer,
    CorsInspector,
    CorsPolicies,
    // Created with the application, before Nest connects the WebSocket gateways at init().
    {
      provide: GatewayOrigins,
      useFactory: (discovery: DiscoveryService, compiler: PolicyCompiler) =>
        new GatewayOrigins(discovery, compiler),
      inject: [DiscoveryService, CORS_POLICY_COMPILER],
    },
  ],
  exports: [CorsInspector, CorsPolicies],
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

  constructor(
    private readonly explorer: CorsExplorer,
    private readonly gateways: GatewayOrigins,
  ) {
    super();
  }

  /**
   * Runs during `app.init()`, after Nest connected the WebSocket gateways and right before it
   * registers its routes.
   */
  configure(): void {
    this.gateways.restore();
    this.explorer.prepare();
  }

  /** Runs after Nest registered its routes. */
  onModuleInit(): void {
    this.explorer.finish();
  }
}
