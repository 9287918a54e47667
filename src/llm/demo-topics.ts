// Keyword rules by which the offline demo model guesses whether a question is about math or history.

export type DemoTopic = "math" | "history";

// Stems end in \w* so plurals and verb forms count ("integrals", "solving"); short words are matched whole
// so that "warm" is not a war and "summer" is not a sum.
const MATH_PATTERNS = [
  /\bderivative\w*/i, /\bdifferentiat\w*/i, /\bintegra\w*/i, /\bcalculus\b/i, /\bequations?\b/i, /\balgebra\w*/i,
  /\bsolv\w*/i, /\bnumbers?\b/i, /\bgeometr\w*/i, /\btrigonometr\w*/i, /\bfractions?\b/i, /\bmultipl\w*/i,
  /\bdivid\w*/i, /\bpercent\w*/i, /\bmath\w*/i, /\btheorems?\b/i, /\btriangles?\b/i, /\bpolynomials?\b/i,
  /\blogarithm\w*/i, /\bsquare roots?\b/i, /\bprobabilit\w*/i,
  // Arithmetic written with digits ("2+2", "3 * 4") and powers of x ("x^2").
  /\d\s*[-+*/^=×÷]\s*\d/, /\bx\s*\^\s*\d/i,
];

const HISTORY_PATTERNS = [
  /\bwars?\b/i, /\bhistor\w*/i, /\bcentur(?:y|ies)\b/i, /\bempires?\b/i, /\brevolution\w*/i, /\bpresidents?\b/i,
  /\bkings?\b/i, /\bqueens?\b/i, /\bancient\b/i, /\bdynast\w*/i, /\bmedieval\b/i, /\bcivili[sz]ation\w*/i,
  /\bbattles?\b/i, /\bemperors?\b/i, /\bpharaohs?\b/i, /\bcolon(?:ial|ies|y)\b/i, /\bindependence\b/i,
  /\btreat(?:y|ies)\b/i, /\bmonarch\w*/i, /\breign\w*/i, /\bcrusades?\b/i, /\brenaissance\b/i,
];

function countHits(text: string, patterns: readonly RegExp[]): number {
  return patterns.filter((pattern) => pattern.test(text)).length;
}

/** The topic with more keyword hits; math wins ties so that the answer never depends on luck. */
export function classifyTopic(text: string): DemoTopic | undefined {
  const math = countHits(text, MATH_PATTERNS);
  const history = countHits(text, HISTORY_PATTERNS);
  if (math === 0 && history === 0) return undefined;
  return math >= history ? "math" : "history";
}
