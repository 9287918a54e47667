// Renders a conversation's transcript for moderators as Discord-sized pages: authors, times, and the handoff trail.

import { channelMention, escapeMarkdown, time, TimestampStyles } from "discord.js";
import type { Transcript } from "../../bot/moderator-reads-port.js";
import { DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT, splitMessage, withLimit } from "../common/chunker.js";
import { transcriptView, type TranscriptLine, type TranscriptView } from "../common/transcript-view.js";

/** Room kept on every page for its header ("**Conversation in <#…>** · page 12/34") and the /history footer. */
const HEADER_ROOM = 120;

/** The transcript as pages of at most 2,000 characters, each opening with a header that says which page it is. */
export function transcriptPages(transcript: Transcript): string[] {
  const view = transcriptView(transcript);
  const body = [overview(view), ...view.lines.map(renderLine)].join("\n\n");
  const chunks = splitMessage(body, withLimit(DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT - HEADER_ROOM));
  const title = `**Conversation in ${channelMention(view.thread.thread)}**`;
  return chunks.map((chunk, index) => `${title} · page ${index + 1}/${chunks.length}\n${chunk}`);
}

function overview(view: TranscriptView): string {
  const trail = view.trail.length === 0 ? "none yet" : view.trail.map((agent) => escapeMarkdown(agent)).join(" → ");
  return [
    `Started ${time(view.startedAt, TimestampStyles.ShortDateTime)} · ${view.messageCount} message${view.messageCount === 1 ? "" : "s"}`,
    `Handoff trail: ${trail}`,
  ].join("\n");
}

function renderLine(line: TranscriptLine): string {
  const at = time(line.at, TimestampStyles.ShortDateTime);
  if (line.kind === "handoff") {
    const reason = line.reason === "" ? "" : ` — ${line.reason}`;
    return `↪ *handoff* ${escapeMarkdown(line.from)} → ${escapeMarkdown(line.to)}${reason} · ${at}`;
  }
  const role = line.role === "user" ? "student" : escapeMarkdown(line.authorId);
  const marks = [...line.files.map((file) => `\n${escapeMarkdown(file)}`), ...line.flags.map((flag) => `\n> ${escapeMarkdown(flag)}`)].join("");
  return `**${escapeMarkdown(line.author)}** (${role}) · ${at}\n${line.text === "" ? "_(no text)_" : line.text}${marks}`;
}
