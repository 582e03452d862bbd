import { type AST, RegExpParser, visitRegExpAST } from '@eslint-community/regexpp';
import { getFirstConsumedChar, isPotentiallyEmpty } from 'regexp-ast-analysis';
import { analyse } from 'scslre';

/**
 * Why an origin RegExp can backtrack super-linearly on a hostile Origin, or `undefined`.
 *
 * An origin RegExp runs on every request that carries an Origin, so a regex that backtracks
 * exponentially (`(a+)+`) or polynomially (`\d+\d+`) lets one request hold the event loop. The
 * check is `scslre` (the analyser behind eslint-plugin-regexp's `no-super-linear-backtracking`),
 * which proves ambiguity on the regex's automaton instead of guessing from its text, so that
 * unambiguous repetitions such as `(?:[a-z0-9-]+\.)+` pass. Two cases it leaves out are added:
 *
 * - a bounded quantifier is analysed as unbounded (`([a-z]{1,3})+` backtracks like `([a-z]+)+`
 *   on a long enough input: 1 KiB of Origin is plenty);
 * - a repeated group that can match empty (`(a?){30}`), whose alternatives can start with the
 *   same character (`(a|aa)+`), or that is itself nothing but a repetition (`((ab)+)+`), is
 *   refused, since the repetitions can then split the input in exponentially many ways. This also refuses a few harmless shapes, such as `(?:app|admin)+`;
 *   write `(?:a(?:pp|dmin))+` there.
 */
export function regExpBacktrackingProblem(re: RegExp): string | undefined {
  let literal: AST.RegExpLiteral;
  try {
    literal = new RegExpParser({ ecmaVersion: 2025 }).parseLiteral(String(re));
  } catch {
    return `RegExp ${re} could not be analysed for catastrophic backtracking; simplify it`;
  }
  let ambiguousRepetition: string | undefined;
  visitRegExpAST(literal, {
    onQuantifierEnter(quantifier) {
      if (quantifier.max <= 1) return;
      const element = quantifier.element;
      const group = element.type === 'Group' || element.type === 'CapturingGroup';
      const ambiguous =
        isPotentiallyEmpty(element, literal.flags) ||
        (group && alternativesOverlap(element.alternatives, literal.flags)) ||
        (group && isRepetitionOfRepetition(element.alternatives, literal.flags));
      if (ambiguous) ambiguousRepetition ??= quantifier.raw;
      // Analysed as unbounded: the AST is ours, parsed for this check only.
      if (Number.isFinite(quantifier.max)) (quantifier as { max: number }).max = Infinity;
    },
  });
  if (ambiguousRepetition !== undefined) {
    return `RegExp ${re} repeats ${ambiguousRepetition}, which can match empty or whose alternatives can start with the same character, so an Origin can be split among the repetitions in exponentially many ways (ReDoS); make each repetition consume a character and the alternatives start differently`;
  }
  const report = analyse(literal, { assumeRejectingSuffix: true }).reports[0];
  if (report === undefined) return undefined;
  const growth = report.exponential ? 'exponential' : 'polynomial';
  const where =
    report.type === 'Trade'
      ? `${report.startQuant.raw} and ${report.endQuant.raw} can match the same characters`
      : `${report.quant.raw} can match the same characters in several ways`;
  return `RegExp ${re} can backtrack in ${growth} time on a hostile Origin (ReDoS): ${where}; use a pattern such as 'https://*.example.com', or a RegExp in which each repetition ends at a character the next one cannot start with`;
}

/**
 * Whether a repeated group is, up to parts that can match empty, one repetition itself, as in
 * `((ab)+)+` or `((ab)+c?)*`: the analyser only pumps single characters, and misses these.
 */
function isRepetitionOfRepetition(
  alternatives: readonly AST.Alternative[],
  flags: AST.Flags,
): boolean {
  if (alternatives.length !== 1) return false;
  const { elements } = alternatives[0];
  const repeated = elements.filter((element) => element.type === 'Quantifier' && element.max > 1);
  return (
    repeated.length > 0 &&
    elements.every((element) => repeated.includes(element) || isPotentiallyEmpty(element, flags))
  );
}

function alternativesOverlap(alternatives: readonly AST.Alternative[], flags: AST.Flags): boolean {
  if (alternatives.length < 2) return false;
  const firsts = alternatives.map((alternative) => getFirstConsumedChar(alternative, 'ltr', flags));
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      if (firsts[i].empty || firsts[j].empty) return true;
      if (!firsts[i].char.isDisjointWith(firsts[j].char)) return true;
    }
  }
  return false;
}
