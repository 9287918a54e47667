// One chunker for every platform: splits a reply into messages within the platform's limit at paragraph, line or
// word boundaries (a hard cut last), closing a code block it cuts and reopening it at the start of the next piece.

/** Discord refuses message content longer than this. */
export const DISCORD_MESSAGE_LIMIT = 2000;
/** Slack truncates the display of long messages near 4,000 characters; this leaves room for a name prefix. */
export const SLACK_MESSAGE_LIMIT = 3_500;

const FENCE = "```";
const CLOSING_FENCE = "\n```";
/** A reopening fence longer than this drops its language, so a pathological "```<long word>" cannot eat the budget. */
const MAX_FENCE_HEADER = 24;
/** The language tag Discord recognises right after an opening fence. */
const LANGUAGE_TAG = /^[a-z0-9_+\-.#]+$/i;

/** What one platform needs of the chunker. Lengths are UTF-16 code units (String.length) on both platforms. */
export interface ChunkRules {
  /** The longest piece allowed, in UTF-16 code units. */
  readonly limit: number;
  /** A smaller limit is refused: below it a piece cannot hold a reopened fence, a line and a closing fence. */
  readonly minLimit: number;
  /** How a cut code block is reopened: with its language (Discord highlights it) or as a bare ``` (Slack has none). */
  readonly reopenFence: "with-language" | "bare";
  /** Moves a cut back so it never falls inside the platform's own markup (Slack's `<link|label>` and `&amp;`). */
  readonly protect?: (text: string, cut: number) => number;
}

/** Discord: 2,000 characters, code blocks reopened with their language. Its limit counts no less than UTF-16 does. */
export const DISCORD_CHUNKS: ChunkRules = { limit: DISCORD_MESSAGE_LIMIT, minLimit: 64, reopenFence: "with-language" };

/** Slack mrkdwn: 3,500 characters, bare fences, never inside a `<…>` link or mention nor inside an entity. */
export const SLACK_CHUNKS: ChunkRules = { limit: SLACK_MESSAGE_LIMIT, minLimit: 16, reopenFence: "bare", protect: slackSafeCut };

/** The same rules with another limit (a name header or prefix takes room). */
export function withLimit(rules: ChunkRules, limit: number): ChunkRules {
  return { ...rules, limit };
}

interface Cut {
  /** The chunk is text.slice(0, end). */
  readonly end: number;
  /** The rest starts at text.slice(resume). */
  readonly resume: number;
}

/**
 * Splits `text` into chunks of at most `rules.limit` UTF-16 code units. It prefers a paragraph break in the second half
 * of the chunk, then a line break, then a space, and cuts hard only inside a single over-long word (never inside a
 * surrogate pair, nor inside what `rules.protect` keeps whole). A chunk that ends inside a ``` code block is closed
 * with ``` and the next chunk reopens it (with its language when `rules.reopenFence` says so). Blank chunks are
 * dropped: empty text gives [].
 */
export function splitMessage(text: string, rules: ChunkRules): string[] {
  const { limit, minLimit } = rules;
  if (!Number.isInteger(limit) || limit < minLimit) {
    throw new RangeError(`splitMessage: limit must be an integer of at least ${minLimit}, got ${limit}`);
  }
  const chunks: string[] = [];
  let fence: string | null = null;
  let rest = text.replace(/\r\n?/g, "\n").replace(/^\n+/, "").trimEnd();
  while (rest.length > 0) {
    const reopen = fence === null ? "" : `${rules.reopenFence === "bare" ? FENCE : fence}\n`;
    if (reopen.length + rest.length <= limit) {
      chunks.push(reopen + rest);
      break;
    }
    const room = limit - reopen.length;
    let cut = chooseCut(rest, room, fence, rules);
    // Only a chunk that ends inside a code block needs room for the closing fence.
    if (openFenceAfter(rest.slice(0, cut.end), fence) !== null) cut = chooseCut(rest, room - CLOSING_FENCE.length, fence, rules);
    const piece = rest.slice(0, cut.end).trimEnd();
    const fenceAfter = openFenceAfter(piece, fence);
    if (piece.trim() !== "") chunks.push(reopen + piece + (fenceAfter === null ? "" : CLOSING_FENCE));
    fence = fenceAfter;
    rest = rest.slice(cut.resume);
    // Outside a code block, blank lines at the start of a message only push it down; inside one they are content.
    if (fence === null) rest = rest.replace(/^\n+/, "");
  }
  return chunks;
}

function chooseCut(text: string, budget: number, fence: string | null, rules: ChunkRules): Cut {
  return avoidEndingOnOpeningFence(text, protectCut(text, findCut(text, budget), rules), fence);
}

/** A cut the platform's markup rule moves back starts the next piece at the markup itself. */
function protectCut(text: string, cut: Cut, rules: ChunkRules): Cut {
  if (rules.protect === undefined) return cut;
  const end = rules.protect(text, cut.end);
  return end < cut.end ? { end, resume: end } : cut;
}

/** Slack: never cut inside a `<link|label>` (or mention), an entity like `&amp;`, or a surrogate pair on the line. */
function slackSafeCut(text: string, wanted: number): number {
  if (text.charAt(wanted) === "\n") return wanted;
  const lineStart = text.lastIndexOf("\n", wanted - 1) + 1;
  let cut = wanted;
  const open = text.lastIndexOf("<", cut - 1);
  if (open > lineStart && open > text.lastIndexOf(">", cut - 1) && text.indexOf(">", open) >= cut) cut = open;
  const amp = text.lastIndexOf("&", cut - 1);
  if (amp > lineStart && amp > cut - 5 && /^&(amp|lt|gt);/.test(text.slice(amp)) && text.indexOf(";", amp) >= cut) cut = amp;
  return cut;
}

/** Where to cut `text` so that the chunk is at most `budget` long. */
function findCut(text: string, budget: number): Cut {
  const half = Math.floor(budget / 2);
  const paragraph = text.lastIndexOf("\n\n", budget);
  // Skip one newline only: inside a code block the second one is a blank line of the code.
  if (paragraph >= half) return { end: paragraph, resume: paragraph + 1 };
  const line = text.lastIndexOf("\n", budget);
  if (line >= half) return { end: line, resume: line + 1 };
  // An early line break is still the better cut when it keeps the next line whole.
  if (line > 0 && lineLengthAt(text, line + 1) <= budget) return { end: line, resume: line + 1 };
  const space = text.lastIndexOf(" ", budget);
  if (space >= half) return { end: space, resume: space + 1 };
  if (line > 0) return { end: line, resume: line + 1 };
  if (space > 0) return { end: space, resume: space + 1 };
  const hard = hardCut(text, budget);
  return { end: hard, resume: hard };
}

function lineLengthAt(text: string, start: number): number {
  const end = text.indexOf("\n", start);
  return (end === -1 ? text.length : end) - start;
}

/** A cut inside one over-long word: never between the halves of a surrogate pair, never inside a run of backticks. */
function hardCut(text: string, budget: number): number {
  let end = budget;
  while (end > 1 && text.charAt(end - 1) === "`" && text.charAt(end) === "`") end -= 1;
  const previous = text.charCodeAt(end - 1);
  if (previous >= 0xd800 && previous <= 0xdbff && end > 1) end -= 1;
  return end;
}

/** A chunk that would end on a line that only opens a code block gets that line moved to the next chunk. */
function avoidEndingOnOpeningFence(text: string, cut: Cut, fence: string | null): Cut {
  const piece = text.slice(0, cut.end).trimEnd();
  const lastBreak = piece.lastIndexOf("\n");
  if (lastBreak <= 0) return cut;
  const lastLine = piece.slice(lastBreak + 1);
  const opensHere = openFenceAfter(piece.slice(0, lastBreak), fence) === null && openFenceAfter(piece, fence) !== null;
  if (!opensHere || !lastLine.trimStart().startsWith(FENCE)) return cut;
  return { end: lastBreak, resume: lastBreak + 1 };
}

/**
 * The opening fence ("```" or "```ts") of the code block still open at the end of `text`, or null when none is.
 * Occurrences of ``` toggle, left to right, as Discord's lazy code-block rule pairs them.
 */
export function openFenceAfter(text: string, openAtStart: string | null): string | null {
  let fence = openAtStart;
  let at = text.indexOf(FENCE);
  while (at !== -1) {
    if (fence !== null) {
      fence = null;
    } else {
      const lineEnd = text.indexOf("\n", at);
      const language = text.slice(at + FENCE.length, lineEnd === -1 ? text.length : lineEnd).trim();
      const header = LANGUAGE_TAG.test(language) ? FENCE + language : FENCE;
      fence = header.length <= MAX_FENCE_HEADER ? header : FENCE;
    }
    at = text.indexOf(FENCE, at + FENCE.length);
  }
  return fence;
}
