import type { HttpServer } from '@nestjs/common';
import {
  CorsConfigurationError,
  type CorsConfigurationIssue,
} from '../policy/configuration-issue.js';

const MOVE =
  'Remove it and move its settings into CorsModule.forRoot() ({ origin, credentials, methods, allowedHeaders, exposedHeaders, maxAge }), or into @CorsPolicy() on the routes that need them';

/**
 * Another CORS layer on the same server: `app.enableCors()`, the `cors` option of
 * `NestFactory.create()`, `app.use(cors())` on Express, `@fastify/cors` on Fastify. It answers
 * before this module (a preflight never reaches it) or writes its own `Access-Control-*` headers,
 * so that a route's policy silently stops being what the browser sees.
 *
 * Nest has no public API that tells whether CORS was enabled, so this reads what each platform
 * keeps: the `cors` package's `corsMiddleware` in Express's router stack, and on Fastify the
 * `@fastify/cors` plugin or the request hook the Nest adapter keeps for `enableCors()`.
 */
export function conflictingCorsLayers(adapter: HttpServer): CorsConfigurationIssue[] {
  const instance = adapter.getInstance?.() as Record<string, any> | undefined;
  if (!instance) return [];
  if (adapter.getType() === 'express') {
    const router = instance._router ?? instance.router;
    const stack: { handle?: { name?: string } }[] = router?.stack ?? [];
    if (stack.some((layer) => layer.handle?.name === 'corsMiddleware')) {
      return [
        issue(
          'express server',
          "the 'cors' middleware is installed on the Express server, by app.enableCors(), the cors option of NestFactory.create(), or app.use(cors())",
        ),
      ];
    }
  }
  if (adapter.getType() === 'fastify') {
    const fastifyCors =
      typeof instance.hasPlugin === 'function' && instance.hasPlugin('@fastify/cors') === true;
    if (fastifyCors || (adapter as unknown as { corsHook?: unknown }).corsHook) {
      return [
        issue(
          'fastify server',
          '@fastify/cors is registered on the Fastify server, by app.enableCors(), the cors option of NestFactory.create(), or app.register(fastifyCors)',
        ),
      ];
    }
  }
  return [];
}

/**
 * Makes a later `app.enableCors()` (after `init()`) throw at the call: by then the routes exist,
 * and a second CORS layer would answer before this module without any startup check.
 */
export function refuseLaterEnableCors(adapter: HttpServer): void {
  adapter.enableCors = () => {
    throw new CorsConfigurationError([
      issue(
        `${adapter.getType()} server`,
        'app.enableCors() was called while CorsModule answers CORS for this application',
      ),
    ]);
  };
}

function issue(path: string, what: string): CorsConfigurationIssue {
  return {
    path,
    code: 'conflicting-cors-layer',
    message: `${what}: two CORS layers on one server give a route the headers of the wrong one. ${MOVE}.`,
  };
}
