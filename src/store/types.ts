// The store's row types: what ConversationStore reads and writes. Times are unix milliseconds (INTEGER columns).

import type { ChatRole, TokenUsage, ToolCall } from "../workflow/messages.js";
import type { ReplyKind } from "../bot/store-records.js";

/** Where a conversation lives; structurally the same as ThreadRef in src/bot/ports.ts (the store must not import bot/). */
export interface ThreadKey {
  readonly platform: string;
  readonly workspace: string;
  readonly channel: string;
  readonly thread: string;
}

export type ConversationStatus = "open" | "closed";
/** A user message starts a turn: 'pending' until the agents have answered (or failed) — what recovery looks for. */
export type TurnStatus = "pending" | "completed" | "failed";
// One name for one idea: the bot's port defines it, the store keeps it.
export type { ReplyKind } from "../bot/store-records.js";
export type { ConversationSummaryRow, HandoffRow, StoredTranscript } from "../bot/transcript-records.js";
export type ReplyStatus = "pending" | "sent" | "failed";

// Absent values are `undefined` (as in ChatMessage), except the active agent, which is `null` as in src/bot/ports.ts.

export interface ConversationRow {
  readonly id: number;
  readonly key: ThreadKey;
  readonly activeAgent: string | null;
  readonly status: ConversationStatus;
  readonly createdAt: number;
  /** The student's last activity (moved by user messages only), used for listing and retention. */
  readonly updatedAt: number;
}


export interface StoredMessage {
  readonly id: number;
  readonly conversationId: number;
  /** 1, 2, 3… within the conversation; never reused, so gaps appear where messages were forgotten. */
  readonly seq: number;
  readonly role: ChatRole;
  /** The agent that wrote an assistant message or produced a tool result. */
  readonly authorAgent: string | undefined;
  readonly userId: string | undefined;
  readonly userName: string | undefined;
  readonly text: string;
  readonly toolCalls: readonly ToolCall[] | undefined;
  readonly toolCallId: string | undefined;
  readonly usage: TokenUsage | undefined;
  /** ceil(characters / 4) of the text and tool calls: what the history window budgets with. */
  readonly tokenEstimate: number;
  readonly platformMessageId: string | undefined;
  /** Set on user messages only. */
  readonly turnStatus: TurnStatus | undefined;
  readonly turnAttempts: number;
  readonly errorCode: string | undefined;
  readonly createdAt: number;
}

/** A message to append; `createdAt`, `seq` and the token estimate are the store's to assign. */
export interface NewMessage {
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

export interface NewUserMessage {
  readonly userId: string;
  readonly userName: string;
  readonly text: string;
  readonly platformMessageId?: string;
  /** See NewMessage.extraTokens. */
  readonly extraTokens?: number;
}

export interface NewReply {
  readonly agentName: string;
  readonly text: string;
  /** Defaults to "agent". */
  readonly kind?: ReplyKind;
}

export interface NewHandoff {
  readonly from: string;
  readonly to: string;
  /** The model's optional reason; stored as "" when absent. */
  readonly reason?: string;
}


export interface OutboxRow {
  /** Stable across restarts (AUTOINCREMENT, never reused): usable as the platform's idempotency key. */
  readonly id: number;
  readonly conversationId: number;
  readonly messageId: number | undefined;
  readonly key: ThreadKey;
  readonly agentName: string;
  readonly text: string;
  readonly kind: ReplyKind;
  readonly status: ReplyStatus;
  readonly attempts: number;
  readonly platformMessageId: string | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: number;
  readonly sentAt: number | undefined;
}


export interface WindowOptions {
  readonly maxMessages: number;
  readonly maxTokens: number;
  /** Only messages with a smaller seq (exclusive), e.g. to page back through history. */
  readonly beforeSeq?: number;
}

export interface ListConversationsOptions {
  readonly platform: string;
  readonly workspace?: string;
  readonly channel?: string;
  /** Defaults to 25. */
  readonly limit?: number;
}

export interface ConversationStoreOptions {
  /** The clock, in unix ms; tests pass a fake one. */
  readonly now?: () => number;
}
