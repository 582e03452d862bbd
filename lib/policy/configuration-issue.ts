/** One problem found in the CORS configuration, with a path a person can find. */
export interface CorsConfigurationIssue {
  /** Where the problem is, e.g. `CorsModule.forRoot.origin` or `PartnersController.list`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown once, when the application initialises, listing every problem in the CORS configuration:
 * the module's options, each named policy and each `@CorsPolicy()` decorator.
 *
 * @example
 * await expect(app.init()).rejects.toThrow(CorsConfigurationError);
 */
export class CorsConfigurationError extends Error {
  readonly issues: readonly CorsConfigurationIssue[];

  constructor(issues: readonly CorsConfigurationIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    super(
      `Invalid CORS configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.name = 'CorsConfigurationError';
    this.issues = Object.freeze([...issues]);
  }
}
