// Splits long mrkdwn into messages Slack shows whole: at paragraph, then line, then word boundaries; code blocks are closed and reopened.

/** Slack truncates the display of long messages near 4,000 characters; this leaves room for a name prefix. */
export const DEFAULT_MESSAGE_LIMIT = 3_500;

const FENCE = "```";

interface Block {
  readonly kind: "text" | "code";
  /** For code blocks: the lines between the fences. */
  readonly lines: readonly string[];
}

/** Groups mrkdwn lines into paragraphs and fenced code blocks (a fence is a line that is exactly ```). */
function toBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) blocks.push({ kind: "text", lines: paragraph });
    paragraph = [];
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    if (line.trim() === FENCE) {
      flush();
      const code: string[] = [];
      i += 1;
      while (i < lines.length && (lines[i] ?? "").trim() !== FENCE) {
        code.push(lines[i] ?? "");
        i += 1;
      }
      blocks.push({ kind: "code", lines: code });
    } else if (line.trim() === "") {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

/** Moves a cut back so it never falls inside a `<link|label>`, an entity like `&amp;`, or a surrogate pair. */
function safeCut(line: string, wanted: number): number {
  let cut = wanted;
  const open = line.lastIndexOf("<", cut - 1);
  if (open > 0 && open > line.lastIndexOf(">", cut - 1) && line.indexOf(">", open) >= cut) cut = open;
  const amp = line.lastIndexOf("&", cut - 1);
  if (amp > 0 && amp > cut - 5 && /^&(amp|lt|gt);/.test(line.slice(amp)) && line.indexOf(";", amp) >= cut) cut = amp;
  const code = line.charCodeAt(cut - 1);
  if (cut > 1 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut > 0 ? cut : wanted;
}

/** Splits one overlong line at the last space that fits, else at a safe character boundary. */
function splitLine(line: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(" ", limit);
    const cut = safeCut(rest, space > limit / 2 ? space : limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^ /, "");
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

/** Packs lines into pieces of at most `limit` characters, joined by newlines. */
function packLines(lines: readonly string[], limit: number): string[] {
  const pieces: string[] = [];
  let current: string | undefined;
  for (const whole of lines) {
    for (const line of whole.length > limit ? splitLine(whole, limit) : [whole]) {
      if (current !== undefined && current.length + 1 + line.length <= limit) {
        current = `${current}\n${line}`;
      } else {
        if (current !== undefined) pieces.push(current);
        current = line;
      }
    }
  }
  if (current !== undefined) pieces.push(current);
  return pieces;
}

function blockPieces(block: Block, limit: number): string[] {
  if (block.kind === "text") return packLines(block.lines, limit);
  const whole = [FENCE, ...block.lines, FENCE].join("\n");
  if (whole.length <= limit) return [whole];
  // Each piece of a long code block is a complete block of its own.
  const room = Math.max(limit - 2 * (FENCE.length + 1), 1);
  return packLines(block.lines, room).map((inner) => `${FENCE}\n${inner}\n${FENCE}`);
}

/**
 * Splits mrkdwn into messages of at most `limit` characters. Paragraphs stay whole when they fit, code blocks
 * are never left open across a split, and the pieces joined with blank lines read as the original did.
 */
export function splitMessage(text: string, limit: number = DEFAULT_MESSAGE_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 16) throw new RangeError(`message limit must be an integer >= 16, got ${limit}`);
  const trimmed = text.trim();
  if (trimmed.length <= limit) return trimmed === "" ? [] : [trimmed];
  const messages: string[] = [];
  let current: string | undefined;
  for (const block of toBlocks(trimmed)) {
    for (const piece of blockPieces(block, limit)) {
      if (current !== undefined && current.length + 2 + piece.length <= limit) {
        current = `${current}\n\n${piece}`;
      } else {
        if (current !== undefined) messages.push(current);
        current = piece;
      }
    }
  }
  if (current !== undefined) messages.push(current);
  return messages;
}
