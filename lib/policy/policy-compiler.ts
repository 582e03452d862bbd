import type {
  CorsModuleOptions,
  CorsPolicyDeclaration,
  CorsPolicyOptions,
} from '../interfaces/cors-options.interface.js';
import type { CorsConfigurationIssue } from './configuration-issue.js';
import {
  checkCombination,
  checkPolicyFields,
  compilePolicy,
  disabledPolicy,
  type EffectivePolicy,
} from './compile-policy.js';

const MODULE_PATH = 'CorsModule.forRoot';
const MODULE_ONLY_FIELDS = ['policies', 'debug'];

/**
 * Turns the module's options and each decorator into compiled policies, collecting every
 * configuration problem instead of stopping at the first.
 *
 * Precedence, field by field: handler beats controller beats the module's defaults. A field a
 * nearer level leaves out is inherited. A named policy is a set of fields at the level of its
 * decorator, on top of the module's defaults. `false` on a handler disables CORS for it; `false`
 * on a controller disables it for every handler that does not declare a policy of its own, and
 * such a handler's policy builds on the module's defaults alone.
 */
export class PolicyCompiler {
  readonly issues: CorsConfigurationIssue[] = [];
  readonly global: EffectivePolicy;
  private readonly defaults: CorsPolicyOptions;
  private readonly named = new Map<string, CorsPolicyOptions>();

  constructor(options: CorsModuleOptions = {}) {
    checkPolicyFields(options, MODULE_PATH, this.issues, MODULE_ONLY_FIELDS);
    const {
      policies,
      debug: _debug,
      ...defaults
    } = (isPlainObject(options) ? options : {}) as CorsModuleOptions;
    this.defaults = defaults;
    checkCombination(defaults, MODULE_PATH, this.issues);
    this.global = compilePolicy(defaults, 'global');

    if (policies !== undefined && !isPlainObject(policies)) {
      this.issues.push({
        path: `${MODULE_PATH}.policies`,
        message: 'expected an object of named policies',
      });
      return;
    }
    for (const [name, policy] of Object.entries(policies ?? {})) {
      const path = `${MODULE_PATH}.policies.${name}`;
      checkPolicyFields(policy, path, this.issues);
      if (!isPlainObject(policy)) continue;
      checkCombination({ ...defaults, ...definedFields(policy) }, path, this.issues);
      this.named.set(name, policy);
    }
  }

  /** The policy of a controller's handlers that declare none of their own. */
  controllerPolicy(path: string, declaration: CorsPolicyDeclaration | undefined): EffectivePolicy {
    if (declaration === undefined) return this.global;
    if (declaration === false) return disabledPolicy(path);
    const fields = this.fieldsOf(declaration, path);
    return this.compileLevel(
      { ...this.defaults, ...fields },
      fields,
      path,
      sourceOf(declaration, path),
    );
  }

  /** The policy of one handler, given its controller's declaration and compiled policy. */
  handlerPolicy(
    path: string,
    controllerDeclaration: CorsPolicyDeclaration | undefined,
    controllerPolicy: EffectivePolicy,
    declaration: CorsPolicyDeclaration | undefined,
  ): EffectivePolicy {
    if (declaration === undefined) return controllerPolicy;
    if (declaration === false) return disabledPolicy(path);
    const inherited =
      controllerDeclaration === undefined || controllerDeclaration === false
        ? this.defaults
        : { ...this.defaults, ...this.fieldsOf(controllerDeclaration, undefined) };
    const fields = this.fieldsOf(declaration, path);
    return this.compileLevel(
      { ...inherited, ...fields },
      fields,
      path,
      sourceOf(declaration, path),
    );
  }

  /** The fields a declaration sets; checked and reported when `path` is given. */
  private fieldsOf(
    declaration: CorsPolicyDeclaration,
    path: string | undefined,
  ): CorsPolicyOptions {
    if (typeof declaration === 'string') {
      const named = this.named.get(declaration);
      if (!named && path !== undefined) {
        const known = [...this.named.keys()].map((n) => `'${n}'`).join(', ') || 'none';
        this.issues.push({
          path,
          message: `unknown named policy '${declaration}' (defined: ${known})`,
        });
      }
      return definedFields(named ?? {});
    }
    if (path !== undefined) checkPolicyFields(declaration, path, this.issues);
    return isPlainObject(declaration) ? definedFields(declaration as CorsPolicyOptions) : {};
  }

  private compileLevel(
    merged: CorsPolicyOptions,
    fields: CorsPolicyOptions,
    path: string,
    source: string,
  ): EffectivePolicy {
    // Report a cross-field problem only where this level touches one of the fields involved,
    // so that a problem inherited from the module is listed once, at the module.
    if (
      'origin' in fields ||
      'credentials' in fields ||
      'allowedHeaders' in fields ||
      'exposedHeaders' in fields
    ) {
      checkCombination(merged, path, this.issues);
    }
    return compilePolicy(merged, source);
  }
}

function sourceOf(declaration: CorsPolicyDeclaration, path: string): string {
  return typeof declaration === 'string' ? `policy '${declaration}' on ${path}` : path;
}

/** Fields explicitly set, so that `{ credentials: undefined }` does not erase an inherited value. */
function definedFields(options: CorsPolicyOptions): CorsPolicyOptions {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) fields[key] = value;
  }
  return fields as CorsPolicyOptions;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
