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
    const { policies, debug, ...defaults } = (
      isPlainObject(options) ? options : {}
    ) as CorsModuleOptions;
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
      this.checkCombinationOf(defaults, definedFields(policy), path);
      this.named.set(name, policy);
    }
  }

  /** The policy of a controller's handlers that declare none of their own. */
  controllerPolicy(path: string, declaration: CorsPolicyDeclaration | undefined): EffectivePolicy {
    if (declaration === undefined) return this.global;
    if (declaration === false) return disabledPolicy(path);
    return this.compileLevel(this.defaults, declaration, path);
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
    return this.compileLevel(inherited, declaration, path);
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
    inherited: CorsPolicyOptions,
    declaration: CorsPolicyOptions | string,
    path: string,
  ): EffectivePolicy {
    const fields = this.fieldsOf(declaration, path);
    // A named policy was checked where it is defined, on top of the module's defaults.
    const checkedAlready =
      typeof declaration === 'string' ? { ...this.defaults, ...fields } : undefined;
    this.checkCombinationOf(inherited, fields, path, checkedAlready);
    const source = typeof declaration === 'string' ? `policy '${declaration}' on ${path}` : path;
    return compilePolicy({ ...inherited, ...fields }, source);
  }

  /**
   * Checks the combination a level makes with what it inherits. A problem already present in
   * what it inherits (or in `checkedAlready`) is reported where it was made, not again here.
   */
  private checkCombinationOf(
    inherited: CorsPolicyOptions,
    fields: CorsPolicyOptions,
    path: string,
    checkedAlready?: CorsPolicyOptions,
  ): void {
    const own: CorsConfigurationIssue[] = [];
    const known: CorsConfigurationIssue[] = [];
    checkCombination({ ...inherited, ...fields }, path, own);
    checkCombination(inherited, path, known);
    if (checkedAlready) checkCombination(checkedAlready, path, known);
    for (const issue of own) {
      if (!known.some((other) => other.message === issue.message)) this.issues.push(issue);
    }
  }
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
