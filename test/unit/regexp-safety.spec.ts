import { regExpProblem } from '../../lib/policy/origin.js';

/*
 * ReDoS: an origin RegExp runs on every request that carries an Origin. A repeated group that
 * holds a quantifier, such as (a+)+, backtracks exponentially: /^https:\/\/(a+)+\.example\.com$/
 * takes about a second on an Origin of 43 characters and nearly a minute on 51, so the 1 KiB
 * Origin bound does not help. Such regexes are refused at startup.
 */

describe('RegExps with nested repetition are refused at startup', () => {
  it.each([
    /^(a+)+$/,
    /^https:\/\/(a+)+\.example\.com$/,
    /^https:\/\/([a-z0-9-]+\.)*example\.com$/,
    /^https:\/\/(?:[a-z]+\.)+example\.com$/,
    /^https:\/\/(\w*)*\.example$/,
    /^https:\/\/(a?){8}\.example$/,
    /^https:\/\/(.*a){20}$/,
    /^https:\/\/((ab)*c)+$/,
    /^https:\/\/(?<sub>[a-z]+\.){2,}example\.com$/,
    /^https:\/\/([a-z]{1,3})+\.example\.com$/,
    /^https:\/\/(a+?)+\.example$/,
  ])('%s', (re) => {
    expect(regExpProblem(re)).toMatch(/repeats a group that holds a quantifier/);
  });
});

describe('RegExps without nested repetition are accepted', () => {
  it.each([
    /^https:\/\/(www\.)?example\.com$/,
    /^https:\/\/pr-[0-9]+\.preview\.example$/,
    /^https:\/\/(?:app|admin)\.example\.com$/,
    /^https:\/\/[a-z]+(?:-[a-z]+)?\.example\.com$/,
    /^http:\/\/localhost:[0-9]{4}$/,
    /^https:\/\/(a+)\.example$/,
    /^https:\/\/([a-z]+){1}\.example$/,
    /^https:\/\/[(+*]+\.example$/,
    /^https:\/\/\(a+\)+\.example$/,
    /^https:\/\/(?:[a-z]|[0-9])+\.example$/,
    /^https:\/\/(?=[a-z])[a-z0-9]+\.example$/,
  ])('%s', (re) => {
    expect(regExpProblem(re)).toBeUndefined();
  });
});

it('a refused shape really is slow, and the accepted equivalent is not', () => {
  // Small enough to keep the test fast, big enough to show the growth.
  const slow = /^https:\/\/(a+)+\.example\.com$/;
  const fast = /^https:\/\/a+\.example\.com$/;
  const origin = (n: number) => `https://${'a'.repeat(n)}!`;
  const time = (re: RegExp, n: number) => {
    const started = process.hrtime.bigint();
    re.test(origin(n));
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const slowMs = time(slow, 30);
  expect(time(fast, 1000)).toBeLessThan(slowMs);
  expect(time(slow, 30)).toBeGreaterThan(time(slow, 22) * 4);
});
