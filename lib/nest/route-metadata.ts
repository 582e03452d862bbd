import { VersioningType, type VersioningOptions } from '@nestjs/common';
import { mergeVary } from '../policy/vary.js';

/**
 * Nest's own metadata keys (`HOST_METADATA`, `METHOD_METADATA`, `HEADERS_METADATA` in
 * `@nestjs/common/constants`), which the package root does not export. Here alone.
 */
const HOST_METADATA = 'host';
const METHOD_METADATA = 'method';
const HEADERS_METADATA = '__headers__';

/** Whether a controller method is a route handler (`@Get()`, `@Post()`, ...). */
export function isRouteHandler(handler: Function): boolean {
  return Reflect.getMetadata(METHOD_METADATA, handler) !== undefined;
}

/**
 * Whether Nest wraps the routes of this handler in a filter that passes a request on to the
 * next matching route (`next()`) instead of answering: a host-bound controller, or versioning
 * by header, media type or a custom extractor.
 */
export function passesRequestsOn(
  controller: Function,
  versioning: VersioningOptions | undefined,
): boolean {
  if (Reflect.getMetadata(HOST_METADATA, controller) !== undefined) return true;
  return versioning !== undefined && versioning.type !== VersioningType.URI;
}

/**
 * A handler's own `@Header('Vary', ...)` replaces the `Vary` the module wrote before the
 * handler ran. Nest reads that metadata once, when it creates the route, so adding `Origin` to
 * it then keeps `Vary` whole on every response, at no cost per request.
 */
export function keepOriginInOwnVary(handler: Function): void {
  const headers = Reflect.getMetadata(HEADERS_METADATA, handler) as
    { name: string; value: unknown }[] | undefined;
  if (!headers?.some((header) => header.name.toLowerCase() === 'vary')) return;
  const kept = headers.map((header) => {
    if (header.name.toLowerCase() !== 'vary' || typeof header.value !== 'string') return header;
    const merged = mergeVary(header.value, 'Origin');
    return merged === undefined ? header : { ...header, value: merged };
  });
  Reflect.defineMetadata(HEADERS_METADATA, kept, handler);
}
