/**
 * Explains the failure of an origin function copied from the `cors` package, whose origin
 * functions take `(origin, callback)` and answer by calling `callback(null, allow)`.
 *
 * Such a function cannot be told from ours by its arity (`(origin, request)` has two parameters
 * too), and it must not be called at startup to find out: it may query a database or count
 * calls. So it is recognised when it fails: it has two or more parameters and calls its second
 * argument (the request, not a function), which throws a `TypeError`, or it answers nothing
 * because it meant to call back later.
 */
export function originFunctionFailure(
  predicate: (...args: never[]) => unknown,
  failure: unknown,
): unknown {
  const corsStyle =
    predicate.length >= 2 && (failure === undefined || failure instanceof TypeError);
  if (!corsStyle) return failure;
  const what =
    failure === undefined ? 'returned nothing' : `threw ${(failure as TypeError).message}`;
  return new TypeError(
    `it ${what}. It looks like an origin function of the 'cors' package, (origin, callback) => callback(null, allow); ` +
      'CorsModule calls (origin, request) => boolean | Promise<boolean>: return the answer (or a promise of it) instead of calling back',
    { cause: failure },
  );
}
