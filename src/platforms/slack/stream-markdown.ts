// A reply as Slack's streaming methods take it: standard Markdown (markdown_text, not mrkdwn), made unable to ping,
// split within the message limit. Every step only looks ahead one character, so a longer text's form starts with a
// shorter one's: what was appended to a stream stays a prefix of what follows (chat.appendStream only appends).

import type { AgentPresentation } from "../../bot/ports.js";
import { SLACK_MESSAGE_LIMIT, splitMessage, type ChunkRules } from "../common/chunker.js";
import { StreamingMath } from "../common/streaming-math.js";

/** Markdown keeps code fences' languages (Slack highlights them); pieces within the Slack message limit. */
export const SLACK_MARKDOWN_CHUNKS: ChunkRules = { limit: SLACK_MESSAGE_LIMIT, minLimit: 64, reopenFence: "with-language" };

/**
 * `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and `@channel`/`@here`/`@everyone` are shown, never acted on: a zero-width
 * space goes after the `<` or `@` that could start one (decided by the next character alone, so it is prefix-stable).
 */
export function neutralizeMarkdownPings(text: string): string {
  return text.replace(/<(?=[!@#])/g, "<\u200B").replace(/@(?=[cChHeE])/g, "@\u200B");
}

/** The bold name line a stream starts with when Slack will not show the agent as the author (no chat:write.customize). */
export function markdownNamePrefix(agent: AgentPresentation): string {
  const name = (agent.displayName.trim() === "" ? agent.name : agent.displayName).replace(/[*_~`\\[\]]/g, "").trim();
  return `**${neutralizeMarkdownPings(name)}**\n`;
}

export interface StreamPiecesOptions {
  readonly limit: number;
  /** Put before the first piece (the bold name), or "". */
  readonly prefix: string;
}

/** The pieces a finished reply's text (already rendered: inline math as Unicode) is streamed and stopped as. */
export function markdownPieces(text: string, options: StreamPiecesOptions): string[] {
  const body = neutralizeMarkdownPings(text.trim() === "" ? "…" : text);
  const pieces = splitMessage(body, { ...SLACK_MARKDOWN_CHUNKS, limit: Math.max(options.limit - options.prefix.length, SLACK_MARKDOWN_CHUNKS.minLimit) });
  if (options.prefix !== "" && pieces.length > 0) pieces[0] = `${options.prefix}${pieces[0]!}`;
  return pieces;
}

/**
 * The pieces of a reply still being written: only its safe prefix (math, code spans and fences held back until they
 * close, so they are shown converted once and never rewritten), or none while that is blank.
 */
export function streamingMarkdownPieces(text: string, options: StreamPiecesOptions): string[] {
  const safe = new StreamingMath().push(text);
  return safe.trim() === "" ? [] : markdownPieces(safe, options);
}
