import { VersioningType, type VersioningOptions } from '@nestjs/common';
import { pathToRegexp } from 'path-to-regexp';
import { mergeVary } from '../policy/vary.js';

/**
 * Nest's own metadata keys (`HOST_METADATA`, `PATH_METADATA`, `HEADERS_METADATA` in
 * `@nestjs/common/constants`), which the package root does not export. Read-only, here alone.
 */
const HOST_METADATA = 'host';
const PATH_METADATA = 'path';
const HEADERS_METADATA = '__headers__';

/**
 * Why the pre-routing hook cannot answer for a handler on its own, so that the interceptor must
 * run: host or header versioning splits its path between handlers, its path cannot be read in
 * advance, or it sets its own `Vary` with `@Header()`, which replaces the one the hook wrote.
 * `undefined` when the hook alone is exact.
 *
 * The interceptor is only bound when some handler needs it: binding any interceptor makes
 * Nest run every request through rxjs, which costs more than all of CORS (see bench/NOTES.md).
 */
export function interceptorNeed(
  controller: Function,
  handler: Function,
  versioning: VersioningOptions | undefined,
  policyVaries: boolean,
): string | undefined {
  if (Reflect.getMetadata(HOST_METADATA, controller) !== undefined) {
    return `${controller.name} is bound to hosts`;
  }
  if (versioning && versioning.type !== VersioningType.URI) {
    return `versioning by ${VersioningType[versioning.type].toLowerCase().replace('_', ' ')}`;
  }
  const paths = [
    Reflect.getMetadata(PATH_METADATA, controller),
    Reflect.getMetadata(PATH_METADATA, handler),
  ];
  for (const path of paths.flat()) {
    if (typeof path === 'string' && !isReadablePath(path))
      return `path '${path}' cannot be read in advance`;
  }
  const headers = (Reflect.getMetadata(HEADERS_METADATA, handler) ?? []) as {
    name: string;
    value: unknown;
  }[];
  const vary = headers.find((header) => header.name.toLowerCase() === 'vary');
  if (policyVaries && vary && mergeVary(String(vary.value), 'Origin') !== undefined) {
    return `${controller.name}.${handler.name} sets its own Vary`;
  }
  return undefined;
}

function isReadablePath(path: string): boolean {
  try {
    pathToRegexp(path.startsWith('/') ? path : `/${path}`);
    return true;
  } catch {
    return false;
  }
}
