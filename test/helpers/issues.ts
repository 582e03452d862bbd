/** What a program reads of each configuration issue: where, which rule, and the value. */
export function codesOf(issues: readonly { path: string; code: string; value?: unknown }[]) {
  return issues.map(({ path, code, value }) => ({ path, code, value }));
}
