// What a moderator reads of one conversation, built once from the bot's Transcript: who wrote what and when, the handoffs,
// each message's files and flags as worded lines, and the trail. Discord's pages, Slack's mrkdwn and the CLI only mark it up.

import type { Transcript } from "../../bot/moderator-reads-port.js";
import type { ThreadRef } from "../../bot/ports.js";
import { attachmentMark } from "../../bot/transcript-attachments.js";
import { flagMark } from "../../bot/transcript-flags.js";

export type TranscriptLine =
  | {
      readonly kind: "message";
      readonly role: "user" | "assistant";
      /** The student's name (a moderator's as "Teacher (Ms Smith)"), or the agent's display name. */
      readonly author: string;
      /** The student's platform id, or the agent's name. */
      readonly authorId: string;
      readonly at: Date;
      /** Trimmed; empty for a message that is only files. */
      readonly text: string;
      /** One worded line per file, in the order sent ("📎 map.png · image/png · 26 KB"). */
      readonly files: readonly string[];
      /** One worded line per safety flag, oldest first ("⚑ urgent · blocked: no agent saw it · …"). */
      readonly flags: readonly string[];
    }
  | {
      readonly kind: "handoff";
      readonly from: string;
      readonly to: string;
      /** Trimmed; empty when the agent gave none. */
      readonly reason: string;
      readonly at: Date;
    };

export interface TranscriptView {
  readonly conversationId: number;
  readonly thread: ThreadRef;
  readonly startedAt: Date;
  readonly activeAgent: string | null;
  /** Who had the floor, in order (e.g. triage_agent → math_tutor); empty before any agent answered. */
  readonly trail: readonly string[];
  /** Messages only, not handoffs. */
  readonly messageCount: number;
  readonly lines: readonly TranscriptLine[];
}

export function transcriptView(transcript: Transcript): TranscriptView {
  const lines = transcript.entries.map((entry): TranscriptLine => {
    if (entry.kind === "handoff") return { kind: "handoff", from: entry.from, to: entry.to, reason: entry.reason.trim(), at: entry.at };
    return {
      kind: "message",
      role: entry.role,
      author: entry.author,
      authorId: entry.authorId,
      at: entry.at,
      text: entry.text.trim(),
      files: (entry.attachments ?? []).map(attachmentMark),
      flags: entry.flags.map(flagMark),
    };
  });
  return {
    conversationId: transcript.conversationId,
    thread: transcript.thread,
    startedAt: transcript.startedAt,
    activeAgent: transcript.activeAgent,
    trail: transcript.trail,
    messageCount: lines.filter((line) => line.kind === "message").length,
    lines,
  };
}
