// Renders a conversation's transcript for moderators as Discord-sized pages: authors, times, and the handoff trail.

import { channelMention, escapeMarkdown, time, TimestampStyles } from "discord.js";
import type { Transcript, TranscriptEntry } from "../../bot/moderator-reads-port.js";
import { attachmentMark } from "../../bot/transcript-attachments.js";
import { flagMark } from "../../bot/transcript-flags.js";
import { DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT, splitMessage, withLimit } from "../common/chunker.js";

/** Room kept on every page for its header ("**Conversation in <#…>** · page 12/34") and the /history footer. */
const HEADER_ROOM = 120;

/** The transcript as pages of at most 2,000 characters, each opening with a header that says which page it is. */
export function transcriptPages(transcript: Transcript): string[] {
  const body = [overview(transcript), ...transcript.entries.map(renderEntry)].join("\n\n");
  const chunks = splitMessage(body, withLimit(DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT - HEADER_ROOM));
  const title = `**Conversation in ${channelMention(transcript.thread.thread)}**`;
  return chunks.map((chunk, index) => `${title} · page ${index + 1}/${chunks.length}\n${chunk}`);
}

function overview(transcript: Transcript): string {
  const trail = transcript.trail.length === 0 ? "none yet" : transcript.trail.map((agent) => escapeMarkdown(agent)).join(" → ");
  const messages = transcript.entries.filter((entry) => entry.kind === "message").length;
  return [
    `Started ${time(transcript.startedAt, TimestampStyles.ShortDateTime)} · ${messages} message${messages === 1 ? "" : "s"}`,
    `Handoff trail: ${trail}`,
  ].join("\n");
}

function renderEntry(entry: TranscriptEntry): string {
  const at = time(entry.at, TimestampStyles.ShortDateTime);
  if (entry.kind === "handoff") {
    const reason = entry.reason.trim() === "" ? "" : ` — ${entry.reason.trim()}`;
    return `↪ *handoff* ${escapeMarkdown(entry.from)} → ${escapeMarkdown(entry.to)}${reason} · ${at}`;
  }
  const role = entry.role === "user" ? "student" : escapeMarkdown(entry.authorId);
  const files = (entry.attachments ?? []).map((file) => `\n${escapeMarkdown(attachmentMark(file))}`).join("");
  const marks = files + entry.flags.map((flag) => `\n> ${escapeMarkdown(flagMark(flag))}`).join("");
  return `**${escapeMarkdown(entry.author)}** (${role}) · ${at}\n${entry.text.trim() === "" ? "_(no text)_" : entry.text.trim()}${marks}`;
}
