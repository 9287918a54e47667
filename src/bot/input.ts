// Cleans a student's text before anything else sees it: controls and invisible format characters out, whitespace trimmed.

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides that can disguise text.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

// A lone UTF-16 surrogate cannot be stored as UTF-8: it becomes the replacement character here, once, not mangled later.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Unicode's format characters (category Cf): zero-width space, word joiner, BOM, soft hyphen, invisible operators,
// direction marks, tags… They show nothing, so a message made of them is empty, and inside words they only hide text.
const FORMAT = /\p{Cf}/gu;
const ZWNJ = "\u200C";
const ZWJ = "\u200D";
// Tag characters spell the subdivision flags (🏴 + tags + cancel tag, e.g. England's): kept only right after 🏴.
const TAG_RUN = /[\u{E0020}-\u{E007F}]+/gu;
const BLACK_FLAG = "\u{1F3F4}";
// Cf characters that are visible: the prepended concatenation marks (Arabic number signs and the like) stay.
const VISIBLE_FORMAT = new Set(["\u0600", "\u0601", "\u0602", "\u0603", "\u0604", "\u0605", "\u06DD", "\u070F", "\u0890", "\u0891", "\u08E2", "\u{110BD}", "\u{110CD}"]);
// Not Cf, yet blank on screen: Hangul fillers, the braille blank, the combining grapheme joiner, variation selectors.
const BLANK_LOOKING = /[\s\u115F\u1160\u3164\uFFA0\u2800\u034F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

/**
 * Joiners (ZWJ, ZWNJ) shape what they sit between: ZWJ glues emoji sequences (👨‍👩‍👧), ZWNJ is spelling in Persian and
 * Indic scripts. Between two visible characters they stay; at an edge, next to a space or to another joiner, they go.
 */
function keepJoiner(text: string, at: number): boolean {
  const before = text[at - 1];
  const after = text[at + 1];
  const visible = (c: string | undefined): boolean => c !== undefined && c !== ZWJ && c !== ZWNJ && !/\s/.test(c);
  return visible(before) && visible(after);
}

function withoutInvisibleFormat(text: string): string {
  const stripped = text.replace(FORMAT, (c) => (VISIBLE_FORMAT.has(c) || c === ZWJ || c === ZWNJ || isTag(c) ? c : ""));
  const joined = stripped.replace(/[\u200C\u200D]/g, (c, at: number, whole: string) => (keepJoiner(whole, at) ? c : ""));
  return joined.replace(TAG_RUN, (run, at: number, whole: string) => (whole.slice(0, at).endsWith(BLACK_FLAG) ? run : ""));
}

function isTag(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code >= 0xe0020 && code <= 0xe007f;
}

/** The text a student meant: "" when nothing in it would show on a screen. */
export function cleanText(text: string): string {
  const cleaned = withoutInvisibleFormat(text.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(LONE_SURROGATE, "\uFFFD")).trim();
  return cleaned.replace(BLANK_LOOKING, "") === "" ? "" : cleaned;
}
