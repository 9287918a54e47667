// The records the bot's store port reads and writes: the bot's own types, whatever database keeps them. Times are unix ms.

import type { ChatRole, TokenUsage, ToolCall } from "../workflow/messages.js";
import type { ThreadRef } from "./ports.js";

/** A user message starts a turn: 'pending' until the agents have answered (or failed) — what recovery looks for. */
export type TurnState = "pending" | "completed" | "failed";
export type ReplyKind = "agent" | "notice";

// Absent values are `undefined` (as in ChatMessage), except the active agent, which is `null`.

export interface Conversation {
  readonly id: number;
  readonly key: ThreadRef;
  readonly activeAgent: string | null;
  readonly status: "open" | "closed";
  readonly createdAt: number;
  /** The student's last activity (moved by user messages only), used for listing and retention. */
  readonly updatedAt: number;
}

/** A message of a conversation's history as it was stored. */
export interface HistoryMessage {
  readonly id: number;
  readonly conversationId: number;
  /** 1, 2, 3… within the conversation; never reused, so gaps appear where messages were forgotten. */
  readonly seq: number;
  readonly role: ChatRole;
  /** The agent that wrote an assistant message or produced a tool result (a human participant's name on a teacher's). */
  readonly authorAgent: string | undefined;
  readonly userId: string | undefined;
  readonly userName: string | undefined;
  readonly text: string;
  readonly toolCalls: readonly ToolCall[] | undefined;
  readonly toolCallId: string | undefined;
  readonly usage: TokenUsage | undefined;
  /** What the history window budgets with (text, tool calls and attachments). */
  readonly tokenEstimate: number;
  readonly platformMessageId: string | undefined;
  /** Set on user messages that opened a turn only. */
  readonly turnStatus: TurnState | undefined;
  readonly turnAttempts: number;
  readonly errorCode: string | undefined;
  readonly createdAt: number;
}

/**
 * A message as the history window gives it: what the model and the turn read, without the turn's own bookkeeping
 * (status, attempts, error), which changes after the message is stored.
 */
export type WindowMessage = Omit<HistoryMessage, "turnStatus" | "turnAttempts" | "errorCode">;

/** A message to append; its seq, time and token estimate are the store's to assign. */
export interface HistoryMessageDraft {
  readonly role: ChatRole;
  readonly text: string;
  readonly authorAgent?: string;
  readonly userId?: string;
  readonly userName?: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly toolCallId?: string;
  readonly usage?: TokenUsage;
  readonly platformMessageId?: string;
  /** Tokens beyond the text's: its attachments (images by the tile formula, documents' text), for the window budget. */
  readonly extraTokens?: number;
}

/** A student's message, which opens a turn. */
export interface StudentMessageDraft {
  readonly userId: string;
  readonly userName: string;
  readonly text: string;
  readonly platformMessageId?: string;
  readonly extraTokens?: number;
}

export interface ReplyDraft {
  readonly agentName: string;
  readonly text: string;
  /** Defaults to "agent". */
  readonly kind?: ReplyKind;
}

export interface HandoffDraft {
  readonly from: string;
  readonly to: string;
  /** The model's optional reason; stored as "" when absent. */
  readonly reason?: string;
}

/** A reply in the outbox: written with the agent's message, posted by a platform port, then marked sent once. */
export interface OutboxEntry {
  /** Stable across restarts (never reused): usable as the platform's idempotency key. */
  readonly id: number;
  readonly conversationId: number;
  readonly messageId: number | undefined;
  readonly key: ThreadRef;
  readonly agentName: string;
  readonly text: string;
  readonly kind: ReplyKind;
  readonly status: "pending" | "sent" | "failed";
  readonly attempts: number;
  readonly platformMessageId: string | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: number;
  readonly sentAt: number | undefined;
}

/** A stream of an earlier attempt at a turn that was never committed (the process died mid-answer). */
export interface EarlierStream {
  readonly id: number;
  readonly agentName: string;
  readonly pieces: readonly string[];
}

/** A message accepted while a turn ran, waiting in the inbox (its JSON payload is the bot's). */
export interface InboxEntry {
  readonly id: number;
  readonly platform: string;
  readonly eventId: string;
  readonly payload: string;
}

/** An inbound event persisted on arrival, before its adapter's network work made it a message. */
export interface ReceivedEntry {
  readonly id: number;
  readonly platform: string;
  readonly eventId: string;
  readonly workspace: string;
  readonly userId: string;
  /** The adapter's JSON, parsed. */
  readonly payload: unknown;
}

/** A conversation handed to a person: the agents stay quiet in it until a moderator hands it back. */
export interface ModeratorWait {
  /** The human participant's name (e.g. "teacher"). */
  readonly human: string;
  /** The agent that handed off. */
  readonly from: string;
  readonly reason: string;
  readonly since: number;
}

/** A teacher request whose moderators' alert was decided but never posted (the process stopped first). */
export interface TeacherAlertDue {
  readonly conversationId: number;
  readonly state: ModeratorWait;
  /** Undefined when the message is gone (forgotten meanwhile). */
  readonly message:
    | { readonly text: string; readonly userId: string | null; readonly userName: string | null; readonly platformMessageId: string | null }
    | undefined;
}

/** A file to keep with a message: sent by a person (upload) or made by Baton (rendered display math). */
export interface AttachmentDraft {
  readonly messageId: number;
  readonly origin: "upload" | "rendered";
  readonly kind: "image" | "pdf" | "text" | "file";
  readonly mediaType: string;
  readonly fileName: string;
  readonly data: Uint8Array;
  readonly width?: number;
  readonly height?: number;
  /** An image's alt text, or a rendered formula's TeX source. */
  readonly altText?: string;
  /** The text read out of a PDF or a text file. */
  readonly extractedText?: string;
  readonly platformFileId?: string;
  readonly sourceUrl?: string;
}

/** A kept file, with its bytes. */
export interface KeptAttachment {
  readonly id: number;
  readonly messageId: number;
  readonly origin: "upload" | "rendered";
  readonly kind: "image" | "pdf" | "text" | "file";
  readonly mediaType: string;
  readonly fileName: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly altText: string | undefined;
  readonly extractedText: string | undefined;
  readonly data: Uint8Array;
}

/** Why a message was refused before it reached the model. */
export type RefusalReason = "rate_limited" | "too_long";

/** Tokens a student's turns used on one UTC day under one model, added to what the day counted already. */
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

/** One model's share of a period's usage. */
export interface UsageTotal {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** One agent's share, from the tokens stored on its messages. */
export interface AgentUsageTotal {
  readonly agent: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** What moderation found in a student's message or an agent's answer (the flags table), and what was done. */
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

/** Which flags moderators list: one workspace's, newest first. */
export interface ListFlagsOptions {
  readonly platform: string;
  readonly workspace: string;
  /** Defaults to 10. */
  readonly limit?: number;
  /** Reviewed flags too (default: only the ones still to review). */
  readonly includeReviewed?: boolean;
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
  readonly key: ThreadRef;
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

/** A withheld answer whose replacement on the platform is still owed, with the outbox row it was (or will be) posted from. */
export interface WithheldReply {
  readonly flagId: number;
  readonly conversationId: number;
  readonly key: ThreadRef;
  readonly outboxId: number;
  readonly agentName: string;
  /** The answer as the agent wrote it: what the platform may show (the outbox row may hold the notice by now). */
  readonly text: string;
  readonly outboxStatus: "pending" | "sent" | "failed";
  /** Where it was posted (its first piece); undefined while it was never posted. */
  readonly platformMessageId: string | undefined;
  /** Failed edits so far, across restarts. */
  readonly attempts: number;
}

/** An answer an agent gave in one turn, with where it was posted (what the output check reads). */
export interface TurnAnswer {
  readonly messageId: number;
  readonly agentName: string;
  readonly text: string;
  readonly outboxId: number;
  readonly platformMessageId: string | undefined;
}

