// Markdown from a model → Slack mrkdwn, block by block: code fences, headings, lists, quotes, rules and tables.

import { convertInline, escapeEntities } from "./mrkdwn-inline.js";

export { convertInline, escapeEntities, escapePlainText, neutralizeBroadcasts } from "./mrkdwn-inline.js";

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-{2,})[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const BULLET = /^([ \t]*)[-*+][ \t]+(.*)$/;
const TASK = /^\[([ xX])\][ \t]+(.*)$/;
const ORDERED = /^([ \t]*)(\d{1,9})([.)])[ \t]+(.*)$/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-{1,}:?[ \t]*(\|[ \t]*:?-{1,}:?[ \t]*)+\|?[ \t]*$|^[ \t]*\|[ \t]*:?-{1,}:?[ \t]*\|?[ \t]*$/;

/** Three backticks inside a code block would end Slack's block early; zero-width spaces keep them apart. */
function codeLine(line: string): string {
  return escapeEntities(line).replace(/```/g, "`\u200B`\u200B`");
}

function codeBlock(lines: readonly string[]): string {
  return ["```", ...lines.map(codeLine), "```"].join("\n");
}

/** Headings become bold lines; inner bold markers are dropped so they cannot close the bold early. */
function headingLine(text: string): string {
  const inner = convertInline(text.replace(/\*\*|__/g, "")).replace(/^\*+|\*+$/g, "");
  return inner.trim() === "" ? "" : `*${inner.trim()}*`;
}

function tableCells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\*\*|__|`/g, "").replace(/\\\|/g, "|"));
}

/** Slack has no tables; a monospaced block with padded columns keeps them readable. */
function tableBlock(rows: readonly string[]): string {
  const cells = rows.map(tableCells);
  const columns = Math.max(...cells.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_v, c) => Math.max(...cells.map((row) => [...(row[c] ?? "")].length)));
  const render = (row: readonly string[]): string =>
    widths
      .map((width, c) => {
        const cell = row[c] ?? "";
        return cell + " ".repeat(width - [...cell].length);
      })
      .join(" | ")
      .trimEnd();
  const [header, ...body] = cells;
  const lines = [render(header ?? []), widths.map((width) => "-".repeat(Math.max(width, 1))).join("-+-"), ...body.map(render)];
  return codeBlock(lines);
}

function listLine(line: string): string | undefined {
  const bullet = BULLET.exec(line);
  if (bullet) {
    const [, indent = "", rest = ""] = bullet;
    const task = TASK.exec(rest);
    if (task) return `${indent}${task[1] === " " ? "☐" : "☑"} ${convertInline(task[2] ?? "")}`;
    return `${indent}• ${convertInline(rest)}`;
  }
  const ordered = ORDERED.exec(line);
  if (ordered) {
    const [, indent = "", number = "", , rest = ""] = ordered;
    return `${indent}${number}. ${convertInline(rest)}`;
  }
  return undefined;
}

/** One line outside code and tables. `next` is the following line, for setext headings. */
function textLine(line: string, next: string | undefined): { out: string; consumed: number } {
  const heading = HEADING.exec(line);
  if (heading) return { out: headingLine(heading[2] ?? ""), consumed: 1 };
  if (RULE.test(line)) return { out: "──────────", consumed: 1 };
  const quote = QUOTE.exec(line);
  if (quote) {
    const rest = (quote[1] ?? "").replace(/^(?:[ \t]*>[ \t]?)+/, "");
    return { out: `> ${listLine(rest) ?? convertInline(rest)}`.trimEnd(), consumed: 1 };
  }
  const listed = listLine(line);
  if (listed !== undefined) return { out: listed, consumed: 1 };
  if (next !== undefined && line.trim() !== "" && SETEXT_UNDERLINE.test(next)) {
    return { out: headingLine(line.trim()), consumed: 2 };
  }
  return { out: convertInline(line.trimEnd()), consumed: 1 };
}

/**
 * Converts Markdown (as language models write it) to Slack mrkdwn. Consecutive blank lines collapse to one;
 * `&`, `<` and `>` are escaped everywhere except in the links this function writes itself, so `<!channel>`,
 * `<!here>`, `<@U…>` and `<!subteam^…>` from a model are shown, never acted on.
 */
export function markdownToMrkdwn(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  const pushBlank = (): void => {
    if (out.length > 0 && out[out.length - 1] !== "") out.push("");
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      const [, indent = "", marker = ""] = fence;
      const closing = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}[ \\t]*$`);
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !closing.test(lines[i] ?? "")) {
        const codeText = lines[i] ?? "";
        body.push(codeText.startsWith(indent) ? codeText.slice(indent.length) : codeText.trimStart());
        i += 1;
      }
      i += 1; // the closing fence (or the end of an unclosed block)
      out.push(codeBlock(body));
      continue;
    }
    if (line.includes("|") && TABLE_SEPARATOR.test(lines[i + 1] ?? "")) {
      const rows = [line];
      i += 2;
      while (i < lines.length && (lines[i] ?? "").includes("|") && (lines[i] ?? "").trim() !== "") {
        rows.push(lines[i] ?? "");
        i += 1;
      }
      out.push(tableBlock(rows));
      continue;
    }
    if (line.trim() === "") {
      pushBlank();
      i += 1;
      continue;
    }
    const converted = textLine(line, lines[i + 1]);
    if (converted.out !== "") out.push(converted.out);
    i += converted.consumed;
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}
