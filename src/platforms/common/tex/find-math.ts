// Finds the TeX in an agent's reply ($$…$$, \[…\], \(…\), and $…$ where it cannot be a price), never inside code.

export type ReplySegment =
  | { readonly kind: "text"; readonly text: string }
  /** `source` is the whole match with its delimiters, `tex` what is between them. */
  | { readonly kind: "math"; readonly tex: string; readonly display: boolean; readonly source: string };

/** Fenced code blocks (``` or ~~~, to their closing fence or the end) and inline code spans (any run of backticks). */
const CODE = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n[ \t]*\2[ \t]*(?=\n|$)|$)|(`+)[\s\S]*?\3/g;

/** Splits `text` into plain text and math; code (fenced or inline) is always plain text, kept exactly. */
export function findMath(text: string): ReplySegment[] {
  const segments: ReplySegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CODE)) {
    // An unmatched run of backticks is not code: leave it to the prose scan.
    const start = match.index + (match[1]?.length ?? 0);
    if (start > last) scanProse(text.slice(last, start), segments);
    pushText(segments, text.slice(start, match.index + match[0].length));
    last = match.index + match[0].length;
  }
  if (last < text.length) scanProse(text.slice(last), segments);
  return segments;
}

/** Whether a reply has any math at all: the cheap check a streamed edit makes before converting. */
export function hasMath(text: string): boolean {
  return /\$|\\[[(]/.test(text) && findMath(text).some((s) => s.kind === "math");
}

function pushText(segments: ReplySegment[], text: string): void {
  if (text === "") return;
  const previous = segments[segments.length - 1];
  if (previous?.kind === "text") segments[segments.length - 1] = { kind: "text", text: previous.text + text };
  else segments.push({ kind: "text", text });
}

function scanProse(prose: string, segments: ReplySegment[]): void {
  let i = 0;
  let plainFrom = 0;
  while (i < prose.length) {
    const found = mathAt(prose, i);
    if (found === undefined) {
      // An escaped dollar or bracket is literal text; skip past it so it never opens math.
      i += prose[i] === "\\" ? 2 : 1;
      continue;
    }
    pushText(segments, prose.slice(plainFrom, i));
    segments.push({ kind: "math", tex: found.tex.trim(), display: found.display, source: prose.slice(i, found.end) });
    i = found.end;
    plainFrom = i;
  }
  pushText(segments, prose.slice(plainFrom));
}

interface Found {
  readonly tex: string;
  readonly display: boolean;
  readonly end: number;
}

function mathAt(s: string, i: number): Found | undefined {
  if (s.startsWith("$$", i)) return delimited(s, i, "$$", "$$", true);
  if (s.startsWith("\\[", i)) return delimited(s, i, "\\[", "\\]", true);
  if (s.startsWith("\\(", i)) return delimited(s, i, "\\(", "\\)", false);
  if (s[i] === "$") return singleDollar(s, i);
  return undefined;
}

function delimited(s: string, i: number, open: string, close: string, display: boolean): Found | undefined {
  const end = s.indexOf(close, i + open.length);
  if (end === -1) return undefined;
  const tex = s.slice(i + open.length, end);
  if (tex.trim() === "") return undefined;
  return { tex, display, end: end + close.length };
}

/**
 * Pandoc's rule, which keeps prices out: the opening `$` has a non-space right after it, the closing one a non-space
 * right before it and no digit right after it, both on one line. "$5 and $10" has no valid closing `$`. On top of it,
 * content that is only a number ("$5$") or reads as prose money ("$5 or 6$") is left alone.
 */
function singleDollar(s: string, i: number): Found | undefined {
  if (s[i - 1] === "$") return undefined;
  const first = s[i + 1];
  if (first === undefined || /\s|\$/.test(first)) return undefined;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === "\n") return undefined;
    if (c === "\\") {
      j++;
      continue;
    }
    if (c !== "$") continue;
    if (/\s/.test(s[j - 1] ?? " ") || /\d/.test(s[j + 1] ?? "")) continue;
    const tex = s.slice(i + 1, j);
    if (!looksLikeMath(tex)) return undefined;
    return { tex, display: false, end: j + 1 };
  }
  return undefined;
}

/** Prices and amounts ("5", "5.99", "5 or 6", "10 each") are not math; a formula has an operator, a letter variable or a command. */
function looksLikeMath(tex: string): boolean {
  if (/^[\d.,]+$/.test(tex)) return false;
  if (/^\d/.test(tex) && /\s[A-Za-z]{2,}\b/.test(tex) && !/[\\^_=+*/<>]/.test(tex)) return false;
  return true;
}
