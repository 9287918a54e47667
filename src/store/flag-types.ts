// The flags table's row types: what moderation found in a student's message or an agent's answer, and what was done.

import type { ReplyStatus, ThreadKey } from "./types.js";

export type FlagSource = "input" | "output";
/** block: no agent ran; answer: the turn went on; withhold: the answer was replaced by a notice; unchecked: moderation failed. */
export type FlagAction = "block" | "answer" | "withhold" | "unchecked";
export type FlagSeverity = "urgent" | "alert" | "flag" | "none";

export interface NewFlag {
  readonly conversationId: number;
  /** The stored message flagged; absent for a blocked message (it is never stored where an agent reads). */
  readonly messageId?: number;
  readonly userId?: string;
  /** The student's display name, for the moderators' alert. */
  readonly userName?: string;
  readonly source: FlagSource;
  /** Category → score, for the categories over their threshold. */
  readonly categories: Readonly<Record<string, number>>;
  readonly action: FlagAction;
  readonly severity: FlagSeverity;
  readonly text: string;
  readonly platformMessageId?: string;
}

/** pending: decided, not posted yet (posted again after a restart); sent; failed: given up after every attempt. */
export type FlagAlertState = "pending" | "sent" | "failed";

/**
 * A withheld answer's edit to the notice. pending: owed (the platform may still show the answer); done: the platform shows
 * the notice, or never showed the answer; failed: every attempt to edit it failed.
 */
export type FlagReplacementState = "pending" | "done" | "failed";

export interface FlagRow extends Omit<NewFlag, "messageId" | "userId" | "userName" | "platformMessageId"> {
  readonly id: number;
  readonly key: ThreadKey;
  readonly messageId: number | undefined;
  readonly userId: string | undefined;
  readonly platformMessageId: string | undefined;
  readonly createdAt: number;
  readonly reviewedBy: string | undefined;
  readonly reviewedAt: number | undefined;
  /** Undefined: no alert was due for this flag (none in the policy, or one went out this hour). */
  readonly alert: FlagAlertState | undefined;
  readonly userName: string | undefined;
  /** Undefined: not a withheld answer's flag (nothing to replace on the platform). */
  readonly replacement: FlagReplacementState | undefined;
}

export interface ListFlagsOptions {
  readonly platform: string;
  readonly workspace: string;
  /** Defaults to 10. */
  readonly limit?: number;
  /** Reviewed flags too (default: only the ones still to review). */
  readonly includeReviewed?: boolean;
}

/** An answer an agent gave in one turn, with where it was posted (for the output check). */
export interface TurnAnswer {
  readonly messageId: number;
  readonly agentName: string;
  readonly text: string;
  readonly outboxId: number;
  readonly platformMessageId: string | undefined;
}

export interface UsageDelta {
  readonly platform: string;
  readonly workspace: string;
  readonly userId: string;
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface UsageTotal {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** A withheld answer whose replacement on the platform is still owed, with the outbox row it was (or will be) posted from. */
export interface WithheldReply {
  readonly flagId: number;
  readonly conversationId: number;
  readonly key: ThreadKey;
  readonly outboxId: number;
  readonly agentName: string;
  /** The answer as the agent wrote it: what the platform may show (the outbox row may hold the notice by now). */
  readonly text: string;
  readonly outboxStatus: ReplyStatus;
  /** Where it was posted (its first piece); undefined while it was never posted. */
  readonly platformMessageId: string | undefined;
  /** Failed edits so far, across restarts. */
  readonly attempts: number;
}
