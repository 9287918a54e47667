// What moderators and operators read and delete: transcripts, conversation lists, a user's data, flags and usage.
// Every call names its scope: one server/workspace (a moderator's reach), or, said outright, all of a platform's.

import type { ThreadRef } from "./ports.js";
import type { SafetyReview } from "./safety-review.js";

/**
 * The operator's scope (the CLI's `history` and `forget`): every workspace of a platform. A symbol, so no platform
 * input (a team id, a guild id, a link) can ever be read as it.
 */
export const ALL_WORKSPACES: unique symbol = Symbol("baton.allWorkspaces");

/** Whose data a read may return: one server/workspace, or all of a platform's when the caller says so. */
export interface ReadScope {
  readonly platform: string;
  readonly workspace: string | typeof ALL_WORKSPACES;
}

/** Whether a thread lies inside the scope: the check every read makes on the rows it found. */
export function inScope(scope: ReadScope, thread: Pick<ThreadRef, "platform" | "workspace">): boolean {
  return thread.platform === scope.platform && (scope.workspace === ALL_WORKSPACES || thread.workspace === scope.workspace);
}

/** What the bot's moderator commands and the CLI read (src/bot/moderation-reads.ts implements it on the store). */
export interface ModeratorReads {
  /** The thread's transcript; undefined when there is none, or when the thread lies outside `scope`. */
  transcript(scope: ReadScope, thread: ThreadRef): Promise<Transcript | undefined>;
  /** The scope's conversations, most recently active first (only `channel`'s when given). */
  listConversations(scope: ReadScope, filter?: { readonly channel?: string; readonly limit?: number }): Promise<ConversationSummary[]>;
  /** Deletes the user's stored messages, files, flags and usage inside `scope` only; resolves to how many messages. */
  forgetUser(scope: ReadScope, userId: string): Promise<number>;
  /**
   * Flags and usage for the moderator commands, each call taking one server's/workspace's scope; undefined when
   * safety is not configured.
   */
  readonly safety: SafetyReview | undefined;
}

/** What the safety step found in a transcript's message, as moderators see it marked (src/bot/transcript-flags.ts). */
export interface TranscriptFlag {
  readonly id: number;
  /** block: no agent saw it; withhold: the student saw a notice instead; answer: let through; unchecked: not moderated. */
  readonly action: "block" | "answer" | "withhold" | "unchecked";
  readonly severity: "urgent" | "alert" | "flag" | "none";
  /** Category → score, highest first. */
  readonly categories: Readonly<Record<string, number>>;
  readonly reviewed: boolean;
}

/** A file of a transcript's message, as moderators see it listed. */
export interface TranscriptAttachment {
  readonly name: string;
  readonly mediaType: string;
  /** Bytes stored (an image after downscaling). */
  readonly byteSize: number;
  /** upload: the student's; rendered: an image Baton made (display math). */
  readonly origin: "upload" | "rendered";
}

/** One line of a moderator's transcript: a message or a handoff, in the order they happened. */
export type TranscriptEntry =
  | {
      readonly kind: "message";
      readonly role: "user" | "assistant";
      /** The student's display name, or the agent's display name. */
      readonly author: string;
      /** The agent's name (assistant) or the user's platform id (user). */
      readonly authorId: string;
      readonly text: string;
      readonly at: Date;
      /** Safety flags on this message, oldest first; a blocked message is only here, never in the agents' history. */
      readonly flags: readonly TranscriptFlag[];
      /** Its files (photos, PDFs, rendered formulas), in the order sent; absent or empty when it has none. */
      readonly attachments?: readonly TranscriptAttachment[];
    }
  | { readonly kind: "handoff"; readonly from: string; readonly to: string; readonly reason: string; readonly at: Date };

export interface Transcript {
  readonly conversationId: number;
  readonly thread: ThreadRef;
  readonly activeAgent: string | null;
  readonly startedAt: Date;
  /** The handoff trail, e.g. ["triage_agent", "math_tutor", "triage_agent", "history_tutor"]. */
  readonly trail: readonly string[];
  readonly entries: readonly TranscriptEntry[];
}

export interface ConversationSummary {
  readonly conversationId: number;
  readonly thread: ThreadRef;
  readonly messageCount: number;
  readonly activeAgent: string | null;
  readonly updatedAt: Date;
}

