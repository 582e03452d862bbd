/** Metadata key of `@CorsPolicy()`, on controller classes and handler methods. */
export const CORS_POLICY_METADATA = 'nestjs-cors-policy:policy';

/** Injection token of the compiled module options (a `PolicyCompiler`). */
export const CORS_POLICY_COMPILER = Symbol('CORS_POLICY_COMPILER');

/** Logger context of every message of this module. */
export const CORS_LOGGER_CONTEXT = 'CorsModule';
