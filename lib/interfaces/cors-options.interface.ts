/**
 * Which origins a policy allows.
 *
 * - `'*'`: any origin (never with credentials). The answer is `Access-Control-Allow-Origin: *` for
 *   every request, with or without an Origin, so the response needs no `Vary: Origin`;
 * - an exact origin, `'https://app.example.com'`, or a subdomain pattern, `'https://*.example.com'`
 *   (one or more labels in place of `*`, same scheme and port);
 * - a `RegExp` anchored with `^` and `$`, tested against the whole Origin header;
 * - an array mixing all of these (`'*'` in an array means any origin, as it does alone);
 * - a function, sync or async, given the origin and the framework's request object, that returns
 *   the answer: `(origin, request) => boolean | Promise<boolean>`. Not the `cors` package's
 *   `(origin, callback) => callback(null, allow)`, which is denied and explained in a warning.
 *
 * A RegExp must be anchored (`^...$`), without the `g` or `y` flag, and free of super-linear
 * backtracking (ReDoS); each is checked at startup.
 *
 * @example
 * const origin: CorsOrigin = ['https://app.example.com', 'https://*.partner.example', /^https:\/\/pr-\d+\.preview\.example$/];
 */
export type CorsOrigin =
  | string
  | RegExp
  | Array<string | RegExp>
  | ((origin: string, request: unknown) => boolean | Promise<boolean>);

/**
 * The fields of a CORS policy. Every field is optional: a field left out is inherited
 * (handler from controller, controller from the module's defaults).
 *
 * @example
 * const partners: CorsPolicyOptions = { origin: 'https://partner.example', credentials: true, exposedHeaders: ['x-request-id'] };
 */
export interface CorsPolicyOptions {
  /** Allowed origins. Default: none (secure by default). */
  origin?: CorsOrigin;
  /** Sends `Access-Control-Allow-Credentials: true`. Default `false`. */
  credentials?: boolean;
  /**
   * Response headers the browser may expose to the page. Default `[]`. `Set-Cookie` and
   * request headers are refused: browsers never expose them.
   */
  exposedHeaders?: string[];
  /**
   * Request headers a preflight may ask for. Default: whatever the preflight asks for. Forbidden
   * request headers (`Connection`, `Sec-*`, `Proxy-*`, ...) and CORS response headers are
   * refused: browsers never send them in a preflight.
   */
  allowedHeaders?: string[] | '*';
  /** Methods a preflight may ask for. Default: the methods routed at that path. */
  methods?: string[];
  /**
   * `Access-Control-Max-Age` in seconds, an integer 0..86400. Default 600. Above 7200 a warning
   * is logged once at startup: Chromium caches preflights for 7200 s at most (Firefox 86400).
   */
  maxAge?: number;
  /**
   * Legacy: answers Private Network Access preflights with
   * `Access-Control-Allow-Private-Network: true`. Default `false`. Chromium replaced those
   * preflights with Local Network Access permission prompts, so current browsers do not ask; the
   * header is harmless for those that still do.
   */
  allowPrivateNetwork?: boolean;
  /** Status of a successful preflight, 200..299. Default 204. */
  optionsSuccessStatus?: number;
  /** How long an origin function may take before the request is denied, in ms. Default 1000. */
  originTimeout?: number;
}

/**
 * Options of `CorsModule.forRoot()`: the module-wide default policy, plus named policies
 * that `@CorsPolicy('name')` refers to.
 *
 * @example
 * CorsModule.forRoot({
 *   origin: 'https://app.example.com',
 *   policies: { partners: { origin: ['https://a.partner.example'], credentials: true } },
 * });
 */
export interface CorsModuleOptions extends CorsPolicyOptions {
  /** Named policies, referred to by `@CorsPolicy('name')`. Each inherits from the module's defaults. */
  policies?: Record<string, CorsPolicyOptions>;
  /**
   * Policies for paths no controller handler serves (GraphQL, static files, Swagger): keys in
   * Nest's route syntax from the server root (the global prefix is not added), values what
   * `@CorsPolicy()` takes, on top of the module's defaults. A request the router sends to a
   * controller handler gets that handler's policy; a path that does not match a key exactly as
   * written gets no CORS headers.
   *
   * @example
   * const paths: CorsModuleOptions['paths'] = { '/graphql': 'partners', '/static/{*file}': { origin: '*' } };
   */
  paths?: Record<string, CorsPolicyDeclaration>;
  /** Logs why each request or preflight was denied, without raising the app's log level. Default `false`. */
  debug?: boolean;
}

/**
 * What `@CorsPolicy()` takes: fields, the name of a policy from `forRoot({ policies })`, or `false`.
 *
 * @example
 * const declarations: CorsPolicyDeclaration[] = [{ credentials: true }, 'partners', false];
 */
export type CorsPolicyDeclaration = CorsPolicyOptions | string | false;

/**
 * A class that builds the module's options, for `CorsModule.forRootAsync({ useClass })`.
 *
 * @example
 * \@Injectable()
 * class CorsConfig implements CorsOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createCorsOptions() {
 *     const origins = this.config.getOrThrow<string>('CORS_ORIGINS').split(',');
 *     return { origin: origins.map((origin) => origin.trim()).filter(Boolean) };
 *   }
 * }
 */
export interface CorsOptionsFactory {
  createCorsOptions(): CorsModuleOptions | Promise<CorsModuleOptions>;
}
