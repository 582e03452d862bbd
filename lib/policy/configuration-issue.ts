/**
 * What is wrong, as a stable code a program can switch on. Each code is listed in the README
 * ("Configuration errors"); messages may be reworded, codes are not.
 */
export type CorsIssueCode =
  | 'invalid-type'
  | 'out-of-range'
  | 'unknown-option'
  | 'unknown-policy'
  | 'origin-null'
  | 'origin-not-serialized'
  | 'wildcard-over-public-suffix'
  | 'regexp-unanchored'
  | 'regexp-stateful'
  | 'regexp-redos'
  | 'invalid-name'
  | 'forbidden-method'
  | 'header-never-sent'
  | 'header-never-exposed'
  | 'credentials-with-wildcard'
  | 'credentials-with-insecure-pattern'
  | 'conflicting-cors-layer'
  | 'policy-on-non-route'
  | 'invalid-path'
  | 'path-served-by-controller'
  | 'gateway-policies-differ';

/** Codes of the warnings logged once at startup, for values browsers accept but cut short. */
export type CorsWarningCode = 'max-age-over-browser-cap';

/**
 * One problem found in the CORS configuration.
 *
 * @example
 * const issue: CorsConfigurationIssue = {
 *   path: 'CorsModule.forRoot.origin',
 *   code: 'origin-not-serialized',
 *   message: "origin 'https://app.example/' has a path, ...",
 *   value: 'https://app.example/',
 * };
 */
export interface CorsConfigurationIssue {
  /** Where the problem is, e.g. `CorsModule.forRoot.origin` or `PartnersController.list`. */
  readonly path: string;
  /** What kind of problem it is; stable across versions. */
  readonly code: CorsIssueCode;
  readonly message: string;
  /** The offending value as written (an origin, a header name, the whole field...), if any. */
  readonly value?: unknown;
}

/** A value that works, but not as written: logged once at startup, never thrown. */
export interface CorsConfigurationWarning {
  readonly path: string;
  readonly code: CorsWarningCode;
  readonly message: string;
  readonly value?: unknown;
}

/** Marks errors of this class in either build (`Symbol.for`, shared by both). */
const BRAND = Symbol.for('nestjs-cors-policy.CorsConfigurationError');

/**
 * Thrown once, when the application initialises, listing every problem in the CORS configuration:
 * the module's options, each named policy and each `@CorsPolicy()` decorator.
 *
 * @example
 * const error = await app.init().catch((e: unknown) => e);
 * if (error instanceof CorsConfigurationError) console.log(error.issues.map((i) => i.code));
 */
export class CorsConfigurationError extends Error {
  readonly issues: readonly CorsConfigurationIssue[];

  /**
   * An app may load the ESM build and the CommonJS build of this package at once (its own code
   * imports one, a library requires the other): `instanceof` accepts an error from either.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  constructor(issues: readonly CorsConfigurationIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message} [${issue.code}]`);
    super(
      `Invalid CORS configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'CorsConfigurationError';
    Object.defineProperty(this, BRAND, { value: true });
    this.issues = Object.freeze([...issues]);
  }
}
