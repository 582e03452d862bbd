import type { DynamicModule, Provider, Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/** Provided by `forRoot()` and `forRootAsync()` only: which of them configured this module. */
export const CORS_MODULE_ROOT = Symbol('CORS_MODULE_ROOT');

/** How the user configured the module, for the paths of configuration issues. */
export interface CorsModuleRoot {
  readonly path: 'CorsModule.forRoot' | 'CorsModule.forRootAsync';
}

/**
 * Marks a module definition made by `forRoot()` or `forRootAsync()`, so that `imports: [CorsModule]`
 * (which lacks the mark) can be told apart and refused with a sentence instead of a DI trace.
 */
export function markRoot(
  definition: DynamicModule,
  path: CorsModuleRoot['path'],
  replaceOptions?: { token: unknown; value: unknown },
): DynamicModule {
  const providers: Provider[] = (definition.providers ?? []).map((provider) =>
    replaceOptions && isProviderOf(provider, replaceOptions.token)
      ? { provide: replaceOptions.token as string, useValue: replaceOptions.value }
      : provider,
  );
  const root: CorsModuleRoot = { path };
  return {
    ...definition,
    providers: [...providers, { provide: CORS_MODULE_ROOT, useValue: root }],
  };
}

/**
 * Throws a sentence that says what to do when the module was imported without `forRoot()`, or
 * configured more than once; returns the one root otherwise. Runs when Nest creates the module's
 * providers, after every module was scanned.
 */
export function assertConfiguredOnce(
  root: CorsModuleRoot | undefined,
  modules: ModulesContainer,
  corsModule: Type,
): CorsModuleRoot {
  const instances = [...modules.values()].filter((module) => module.metatype === corsModule);
  const roots = instances.filter((module) => module.providers.has(CORS_MODULE_ROOT));
  // What each module's @Module({ imports }) lists: Nest adds global modules to every module's
  // imports at runtime, so those cannot tell who imported CorsModule.
  const importersOf = (matches: (item: unknown) => boolean) =>
    [...modules.values()]
      .filter((module) => {
        const declared: unknown[] = module.metatype
          ? (Reflect.getMetadata('imports', module.metatype) ?? [])
          : [];
        return declared.some(matches);
      })
      .map((module) => module.metatype.name)
      .join(', ') || 'a module';
  if (!root) {
    throw new Error(
      `CorsModule is imported without forRoot() or forRootAsync() (in ${importersOf((item) => item === corsModule)}). ` +
        'Import CorsModule.forRoot({ ... }) (or forRootAsync) once, in the root module; it is global, ' +
        'so other modules need no import of CorsModule to use @CorsPolicy().',
    );
  }
  if (roots.length > 1) {
    throw new Error(
      `CorsModule.forRoot() or forRootAsync() is imported ${roots.length} times (in ${importersOf((item) => (item as DynamicModule | undefined)?.module === corsModule)}), ` +
        'and only one configuration can answer a request. Import it once, in the root module, and ' +
        "give the other modules named policies: forRoot({ policies: { name: { ... } } }) and @CorsPolicy('name').",
    );
  }
  return root;
}

function isProviderOf(provider: Provider, token: unknown): boolean {
  return typeof provider === 'object' && 'provide' in provider && provider.provide === token;
}
