/**
 * Adds names to a `Vary` value without dropping or repeating what is there.
 * Returns `undefined` when nothing needs to change.
 */
export function mergeVary(
  current: string | string[] | number | undefined,
  names: string,
): string | undefined {
  const existing = Array.isArray(current)
    ? current.join(', ')
    : current === undefined
      ? ''
      : String(current);
  if (existing === '') return names;
  if (existing === names) return undefined;
  if (existing.trim() === '*') return undefined;
  const present = new Set(existing.split(',').map((name) => name.trim().toLowerCase()));
  if (present.has('*')) return undefined;
  const missing = names.split(', ').filter((name) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? undefined : `${existing}, ${missing.join(', ')}`;
}

export const VARY_ACTUAL = 'Origin';
export const VARY_PREFLIGHT =
  'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
export const VARY_PREFLIGHT_PRIVATE_NETWORK = `${VARY_PREFLIGHT}, Access-Control-Request-Private-Network`;
