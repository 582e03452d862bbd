import type {
  CorsModuleOptions,
  CorsPolicyDeclaration,
} from '../interfaces/cors-options.interface.js';
import {
  type CheckedFields,
  checkFields,
  describe,
  isPlainObject,
  OriginListCache,
} from './check-fields.js';
import {
  checkCombination,
  compileChecked,
  disabledPolicy,
  type EffectivePolicy,
} from './compile-policy.js';
import type { CorsConfigurationIssue, CorsConfigurationWarning } from './configuration-issue.js';

const MODULE_ONLY_FIELDS = ['policies', 'paths', 'debug'];

/**
 * Turns the module's options and each decorator into compiled policies, collecting every
 * configuration problem instead of stopping at the first. Each declaration is checked and parsed
 * once (`checkFields`); merging and compiling then work on the checked form only.
 *
 * Precedence, field by field: handler beats controller beats the module's defaults. A field a
 * nearer level leaves out is inherited. A named policy is a set of fields at the level of its
 * decorator, on top of the module's defaults. `false` on a handler disables CORS for it; `false`
 * on a controller disables it for every handler that does not declare a policy of its own, and
 * such a handler's policy builds on the module's defaults alone.
 */
export class PolicyCompiler {
  readonly issues: CorsConfigurationIssue[] = [];
  /** Values that work, but not as written; the module logs each once at startup. */
  readonly warnings: CorsConfigurationWarning[] = [];
  readonly global: EffectivePolicy;
  /** `CorsModule.forRoot` or `CorsModule.forRootAsync`: where the module's options are. */
  readonly modulePath: string;
  private readonly defaults: CheckedFields;
  private readonly named = new Map<string, CheckedFields>();
  /** Declarations already checked, so that a decorator shared by many handlers is parsed once. */
  private readonly checked = new WeakMap<object, CheckedFields>();
  /** Origin lists already parsed, so that a list declared by many controllers is parsed once. */
  private readonly origins = new OriginListCache();

  /**
   * @param options the module's options as given: `forRoot()` passes `{}` when given none, so
   *   `undefined` here (a `forRootAsync()` factory that returned nothing) is an issue.
   * @param modulePath how the user configured the module, for the paths of its issues:
   *   `CorsModule.forRoot` or `CorsModule.forRootAsync`.
   */
  constructor(options: CorsModuleOptions, modulePath = 'CorsModule.forRoot') {
    this.modulePath = modulePath;
    this.defaults = this.check(options, modulePath, MODULE_ONLY_FIELDS);
    this.issues.push(...checkCombination(this.defaults, modulePath));
    this.global = compileChecked(this.defaults, 'global');

    const policies = isPlainObject(options) ? options.policies : undefined;
    if (policies !== undefined && !isPlainObject(policies)) {
      this.issues.push({
        path: `${modulePath}.policies`,
        code: 'invalid-type',
        message: `expected an object of named policies, got ${describe(policies)}`,
        value: policies,
      });
      return;
    }
    for (const [name, policy] of Object.entries(policies ?? {})) {
      const path = `${modulePath}.policies.${name}`;
      const fields = this.check(policy, path);
      this.addCombinationIssues(this.defaults, fields, path);
      if (isPlainObject(policy)) this.named.set(name, fields);
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

  /** Checks a declaration once, reporting its problems; later calls reuse the checked form. */
  private check(options: unknown, path: string, extraFields?: readonly string[]): CheckedFields {
    const known = isPlainObject(options) ? this.checked.get(options) : undefined;
    if (known) return known;
    const { fields, issues, warnings } = checkFields(options, path, extraFields, this.origins);
    this.issues.push(...issues);
    this.warnings.push(...warnings);
    if (isPlainObject(options)) this.checked.set(options, fields);
    return fields;
  }

  /** The fields a declaration sets; checked and reported when `path` is given. */
  private fieldsOf(declaration: CorsPolicyDeclaration, path: string | undefined): CheckedFields {
    if (typeof declaration !== 'string') {
      if (path !== undefined) return this.check(declaration, path);
      return (isPlainObject(declaration) && this.checked.get(declaration)) || {};
    }
    const named = this.named.get(declaration);
    if (!named && path !== undefined) {
      const known = [...this.named.keys()].map((n) => `'${n}'`).join(', ') || 'none';
      this.issues.push({
        path,
        code: 'unknown-policy',
        message: `unknown named policy '${declaration}' (defined: ${known})`,
        value: declaration,
      });
    }
    return named ?? {};
  }

  private compileLevel(
    inherited: CheckedFields,
    declaration: CorsPolicyDeclaration,
    path: string,
  ): EffectivePolicy {
    const fields = this.fieldsOf(declaration, path);
    // A named policy was checked where it is defined, on top of the module's defaults.
    const checkedAlready =
      typeof declaration === 'string' ? { ...this.defaults, ...fields } : undefined;
    this.addCombinationIssues(inherited, fields, path, checkedAlready);
    const source = typeof declaration === 'string' ? `policy '${declaration}' on ${path}` : path;
    return compileChecked({ ...inherited, ...fields }, source);
  }

  /**
   * Checks the combination a level makes with what it inherits. A problem already present in
   * what it inherits (or in `checkedAlready`) is reported where it was made, not again here:
   * problems are the same when their code and value are.
   */
  private addCombinationIssues(
    inherited: CheckedFields,
    fields: CheckedFields,
    path: string,
    checkedAlready?: CheckedFields,
  ): void {
    const known = new Set(
      [
        ...checkCombination(inherited, path),
        ...(checkedAlready ? checkCombination(checkedAlready, path) : []),
      ].map(identity),
    );
    for (const issue of checkCombination({ ...inherited, ...fields }, path)) {
      if (!known.has(identity(issue))) this.issues.push(issue);
    }
  }
}

function identity(issue: CorsConfigurationIssue): string {
  return `${issue.code} ${JSON.stringify(issue.value)}`;
}
