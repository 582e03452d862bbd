import type { AbstractHttpAdapter } from '@nestjs/core';

type RequestHook = (request: any, response: any, done: (error?: unknown) => void) => unknown;

/**
 * Installs `hook` with `setOnRequestHook()`, the adapters' public hook that runs first for
 * every request on Express and on Fastify (before Nest middleware and before routing), which
 * is what answering preflights and covering early errors needs. The adapter has one such slot
 * and no getter for it, so a hook the app set before is read from the adapter and chained.
 */
export function installRequestHook(adapter: AbstractHttpAdapter, hook: RequestHook): void {
  const previous = (adapter as unknown as { onRequestHook?: RequestHook }).onRequestHook;
  if (!previous) {
    adapter.setOnRequestHook(hook);
    return;
  }
  adapter.setOnRequestHook((request: unknown, response: unknown, done: (error?: unknown) => void) =>
    hook(request, response, (error) =>
      error ? done(error) : previous.call(adapter, request, response, done),
    ),
  );
}
