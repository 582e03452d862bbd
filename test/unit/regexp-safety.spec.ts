import { regExpProblem } from '../../lib/policy/origin.js';

/*
 * ReDoS: an origin RegExp runs on every request that carries an Origin. A regex with
 * super-linear backtracking, such as (a+)+, lets one request hold the event loop:
 * /^https:\/\/(a+)+\.example\.com$/ takes about a second on an Origin of 43 characters and nearly
 * a minute on 51, so the 1 KiB Origin bound does not help. Such regexes are refused at startup.
 *
 * The corpus: the textbook shapes (OWASP's "Evil Regex" list, the shapes of published npm
 * advisories), each behind an origin prefix, and the regexes people write for origins. The
 * verdicts agree with `recheck` 4.5 (an automaton-based checker that also confirms by attack
 * strings), run on the same corpus when the analyser was chosen, but for `(a?){30}`: recheck
 * calls a bounded repetition safe, while on V8 `(a?){25}` takes 2.4 s on 25 a's and a '!'.
 */

const vulnerable: [string, RegExp][] = [
  ['nested plus (OWASP)', /^(a+)+$/],
  ['nested plus behind an origin prefix', /^https:\/\/(a+)+\.example\.com$/],
  ['nested star', /^https:\/\/(\w*)*\.example$/],
  ['lazy nested plus', /^https:\/\/(a+?)+\.example$/],
  ['overlapping alternatives (OWASP)', /^https:\/\/(a|a)+\.example$/],
  ['alternatives that are prefixes of each other (OWASP)', /^https:\/\/(a|aa)+\.example$/],
  ['word and optional separator', /^https:\/\/(\w+\.?)+example$/],
  ['label with optional hyphen', /^https:\/\/(?:[a-z0-9]+-?)+\.example$/],
  ['bounded inner repetition', /^https:\/\/([a-z]{1,3})+\.example\.com$/],
  ['optional element repeated many times', /^https:\/\/(a?){30}\.example$/],
  ['repetition of a multi-character repetition', /^https:\/\/(?:(?:ab)+)+\.example$/],
  ['the same, with an optional tail', /^https:\/\/(?:(?:ab)+c?)*\.example$/],
  ['OWASP name regex', /^https:\/\/(([a-z])+.)+[A-Z]([a-z])+$/],
  ['adjacent digit runs (polynomial)', /^https:\/\/\d+\d+$/],
  ['dot-star twice (polynomial)', /^https:\/\/.*.*\.example$/],
  ['three overlapping stars (polynomial)', /^https:\/\/[a-z]*[a-z]*[a-z]*\.example$/],
  ['repeated dot-star (polynomial)', /^https:\/\/(.*a){20}$/],
  ['word runs split by optional space', /^https:\/\/(?:\w+\s?)*$/],
];

const safe: [string, RegExp][] = [
  ['subdomains, each ending at a dot', /^https:\/\/(?:[a-z0-9-]+\.)+example\.com$/],
  ['subdomains, star form', /^https:\/\/([a-z0-9-]+\.)*example\.com$/],
  ['letters, one at a time', /^https:\/\/(?:[a-z]+\.)+example\.com$/],
  ['named group repeated', /^https:\/\/(?<sub>[a-z]+\.){2,}example\.com$/],
  ['preview deployments', /^https:\/\/[a-z]+-\d+\.preview\.example$/],
  ['pull requests', /^https:\/\/pr-[0-9]+\.preview\.example$/],
  ['optional www', /^https:\/\/(www\.)?example\.com$/],
  ['two names', /^https:\/\/(?:app|admin)\.example\.com$/],
  ['hyphenated words', /^https:\/\/[a-z]+(?:-[a-z]+)*\.example\.com$/],
  ['localhost ports', /^http:\/\/localhost:[0-9]{4}$/],
  ['a label of bounded length', /^https:\/\/[a-z0-9]{1,63}\.example$/],
  ['a group repeated once', /^https:\/\/([a-z]+){1}\.example$/],
  ['disjoint alternatives repeated', /^https:\/\/(?:[a-z]|[0-9])+\.example$/],
  ['each repetition ends at c', /^https:\/\/((ab)*c)+$/],
  ['each repetition starts with a', /^https:\/\/(?:a(?:bc)+)+\.example$/],
  ['a lookahead', /^https:\/\/(?=[a-z])[a-z0-9]+\.example$/],
  ['literal parentheses', /^https:\/\/\(a+\)+\.example$/],
  ['a class holding quantifier characters', /^https:\/\/[(+*]+\.example$/],
  ['case-insensitive', /^https:\/\/app\.example\.com$/i],
];

describe('RegExps with super-linear backtracking are refused at startup', () => {
  it.each(vulnerable)('%s: %s', (_, re) => {
    expect(regExpProblem(re)?.code).toBe('regexp-redos');
  });

  it('says which repetition is at fault', () => {
    expect(regExpProblem(/^https:\/\/(a+)+\.example\.com$/)?.message).toContain('(a+)+');
    expect(regExpProblem(/^https:\/\/\d+\d+$/)?.message).toMatch(/polynomial/);
    expect(regExpProblem(/^https:\/\/(a|aa)+\.example$/)?.message).toContain('(a|aa)+');
  });
});

describe('the harmless shape the check refuses, as the README says, and its rewrite', () => {
  it('refuses (?:app|admin)+, whose alternatives start alike, and accepts (?:a(?:pp|dmin))+', () => {
    expect(regExpProblem(/^https:\/\/(?:app|admin)+\.example$/)?.code).toBe('regexp-redos');
    expect(regExpProblem(/^https:\/\/(?:a(?:pp|dmin))+\.example$/)).toBeUndefined();
  });
});

describe('unambiguous RegExps are accepted', () => {
  it.each(safe)('%s: %s', (_, re) => {
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
