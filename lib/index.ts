export { CorsModule } from './cors.module.js';
export {
  CorsInspector,
  type CorsCheckRequest,
  type CorsCheckResult,
  type CorsRouteReport,
} from './cors.inspector.js';
export { CorsPolicies } from './cors-policies.js';
export type { CorsPolicySummary } from './policy/policy-summary.js';
export { CorsPolicy } from './decorators/cors-policy.decorator.js';
export {
  CorsConfigurationError,
  type CorsConfigurationIssue,
  type CorsConfigurationWarning,
  type CorsIssueCode,
  type CorsWarningCode,
} from './policy/configuration-issue.js';
export { POLICY_DEFAULTS } from './policy/compile-policy.js';
export type {
  CorsModuleOptions,
  CorsOptionsFactory,
  CorsOrigin,
  CorsPolicyDeclaration,
  CorsPolicyOptions,
} from './interfaces/cors-options.interface.js';
