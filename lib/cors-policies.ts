import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT, CORS_POLICY_COMPILER } from './cors.constants.js';
import { CorsExplorer, type TargetDeclarations } from './cors.explorer.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions, CorsPolicyOptions } from './interfaces/cors-options.interface.js';
import { isPlainObject } from './policy/check-fields.js';
import type { EffectivePolicy } from './policy/compile-policy.js';
import {
  CorsConfigurationError,
  type CorsConfigurationIssue,
  type CorsConfigurationWarning,
} from './policy/configuration-issue.js';
import { PolicyCompiler } from './policy/policy-compiler.js';
import type { RouteTarget } from './routing/route-target.js';

const MODULE_ONLY_FIELDS = ['policies', 'debug'];

/**
 * Reads and changes the named policies and the module's defaults while the app runs.
 *
 * An update is checked exactly as the configuration is at startup, together with every
 * `@CorsPolicy()` built on it: on any problem it throws a `CorsConfigurationError` listing them
 * all, and nothing changes. Otherwise every route whose policy involves what changed (including
 * handler and controller fields on top of it) switches to its recompiled policy at once: a
 * request is decided wholly under the old policy or wholly under the new one. Requests cost
 * what they did before; an update costs time in the number of routes it affects.
 *
 * Updates live in this process's memory: apply them on every instance (through a message bus)
 * and load the current set at startup (`forRootAsync`), as the README shows.
 *
 * @example
 * const policies = app.get(CorsPolicies);
 * await policies.update('partners', { origin: ['https://*.partner.example', 'https://new-customer.com'] });
 * policies.get('partners'); // { origin: [...], credentials: true, ... }
 */
@Injectable()
export class CorsPolicies {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  private options: CorsModuleOptions;
  private readonly modulePath: string;
  private readonly warned: Set<string>;
  /** The routes whose policy involves each named policy; built on the first update. */
  private byName: Map<string, TargetDeclarations[]> | undefined;

  constructor(
    @Inject(CORS_POLICY_COMPILER) compiler: PolicyCompiler,
    @Optional() @Inject(CORS_MODULE_OPTIONS) options: CorsModuleOptions | undefined,
    private readonly explorer: CorsExplorer,
  ) {
    this.options = isPlainObject(options) ? (options as CorsModuleOptions) : {};
    this.modulePath = compiler.modulePath;
    this.warned = new Set(compiler.warnings.map(warningKey));
  }

  /**
   * The fields of the named policy `name` in force (as written, after updates), or `undefined`
   * when there is no such policy.
   *
   * @example
   * policies.get('partners')?.origin; // ['https://*.partner.example']
   */
  get(name: string): Readonly<CorsPolicyOptions> | undefined {
    const policies = this.options.policies;
    if (!policies || !Object.prototype.hasOwnProperty.call(policies, name)) return undefined;
    return Object.freeze({ ...policies[name] });
  }

  /**
   * The module's default fields in force (`forRoot()`'s policy fields, after updates).
   *
   * @example
   * policies.getDefaults().origin; // 'https://app.example.com'
   */
  getDefaults(): Readonly<CorsPolicyOptions> {
    const { policies: _policies, debug: _debug, ...defaults } = this.options;
    return Object.freeze(defaults);
  }

  /**
   * Changes fields of the named policy `name`: each field given replaces the one in force; a
   * field given as `undefined` goes back to the module's default. Checked as at startup; on
   * any problem it throws a `CorsConfigurationError` and nothing changes.
   *
   * @example
   * await policies.update('partners', { origin: ['https://*.partner.example', 'https://new-customer.com'] });
   */
  async update(name: string, fields: CorsPolicyOptions): Promise<void> {
    const current = this.options.policies ?? {};
    if (!Object.prototype.hasOwnProperty.call(current, name)) {
      const known =
        Object.keys(current)
          .map((n) => `'${n}'`)
          .join(', ') || 'none';
      throw new CorsConfigurationError([
        {
          path: `CorsPolicies.update('${name}')`,
          code: 'unknown-policy',
          message: `unknown named policy '${name}' (defined: ${known}); named policies are defined in forRoot({ policies })`,
          value: name,
        },
      ]);
    }
    const policy = merge(current[name], fields);
    this.apply(
      { ...this.options, policies: { ...current, [name]: policy } },
      this.routesUsing().get(name) ?? [],
      [],
    );
  }

  /**
   * Changes the module's default fields, as `update()` does for a named policy. Every route
   * builds on them, so every route is compiled again.
   *
   * @example
   * await policies.updateDefaults({ origin: ['https://app.example.com', 'https://beta.example.com'] });
   */
  async updateDefaults(fields: CorsPolicyOptions): Promise<void> {
    const issues: CorsConfigurationIssue[] = [];
    for (const key of MODULE_ONLY_FIELDS) {
      if (isPlainObject(fields) && Object.prototype.hasOwnProperty.call(fields, key)) {
        issues.push({
          path: `CorsPolicies.updateDefaults.${key}`,
          code: 'unknown-option',
          message: `'${key}' cannot be updated at runtime${key === 'policies' ? ': update each named policy with update(name, fields)' : ''}`,
          value: key,
        });
      }
    }
    const { policies, debug, ...defaults } = this.options;
    const next = merge(defaults, fields);
    this.apply(
      isPlainObject(next) ? { ...next, policies, debug } : next,
      this.explorer.declarations,
      issues,
    );
  }

  /**
   * For each named policy, the routes whose policy involves it: named by the handler, or by the
   * controller and not switched off by the handler. Routes are all known once the app is
   * initialised, so the index is built on the first update, and an update then costs time in
   * the number of routes it affects.
   */
  private routesUsing(): Map<string, TargetDeclarations[]> {
    if (this.byName) return this.byName;
    const byName = new Map<string, TargetDeclarations[]>();
    const add = (name: string, route: TargetDeclarations) => {
      const routes = byName.get(name);
      if (routes) routes.push(route);
      else byName.set(name, [route]);
    };
    for (const route of this.explorer.declarations) {
      const { declaration, controllerDeclaration } = route;
      if (typeof declaration === 'string') add(declaration, route);
      if (
        typeof controllerDeclaration === 'string' &&
        controllerDeclaration !== declaration &&
        declaration !== false
      ) {
        add(controllerDeclaration, route);
      }
    }
    if (this.explorer.runtime) this.byName = byName;
    return byName;
  }

  /**
   * Compiles the affected routes' policies again under `next`, then switches them in one
   * synchronous loop (no request runs in between), or throws every issue and changes nothing.
   */
  private apply(
    next: CorsModuleOptions,
    affected: readonly TargetDeclarations[],
    issues: CorsConfigurationIssue[],
  ): void {
    const compiler = new PolicyCompiler(next, this.modulePath);
    const controllers = new Map<string, Map<unknown, EffectivePolicy>>();
    const replacements: [RouteTarget, EffectivePolicy][] = [];
    for (const route of affected) {
      const { controller, controllerDeclaration } = route;
      const byDeclaration = controllers.get(controller) ?? new Map<unknown, EffectivePolicy>();
      controllers.set(controller, byDeclaration);
      // Handlers of one controller keep sharing its policy, as at startup.
      let controllerPolicy = byDeclaration.get(controllerDeclaration);
      if (!controllerPolicy) {
        controllerPolicy = compiler.controllerPolicy(controller, controllerDeclaration);
        byDeclaration.set(controllerDeclaration, controllerPolicy);
      }
      const policy = compiler.handlerPolicy(
        route.target.name,
        controllerDeclaration,
        controllerPolicy,
        route.declaration,
      );
      replacements.push([route.target, policy]);
    }
    const all = [...issues, ...compiler.issues];
    if (all.length > 0) throw new CorsConfigurationError(all);
    for (const [target, policy] of replacements) target.policy = policy;
    this.options = next;
    for (const warning of compiler.warnings) {
      if (this.warned.has(warningKey(warning))) continue;
      this.warned.add(warningKey(warning));
      this.logger.warn(`${warning.path}: ${warning.message} [${warning.code}]`);
    }
  }
}

/** The fields in force with `fields` on top; a field set to `undefined` is left out. */
function merge(current: CorsPolicyOptions, fields: CorsPolicyOptions): CorsPolicyOptions {
  // Not an object: passed on as it is, for the compiler to report as at startup.
  if (!isPlainObject(fields)) return fields;
  const merged: Record<string, unknown> = { ...current, ...fields };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as CorsPolicyOptions;
}

function warningKey(warning: CorsConfigurationWarning): string {
  return `${warning.path} ${warning.code} ${JSON.stringify(warning.value)}`;
}
