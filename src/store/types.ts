// The store's row types: what ConversationStore reads and writes. Times are unix milliseconds (INTEGER columns).
// One name for one idea: where a row is one of the bot's port records (src/bot/store-records.ts), the store keeps the
// bot's definition under its own name and declares only what is the store's alone.

import type { ThreadRef } from "../bot/ports.js";
import type { Conversation, OutboxEntry } from "../bot/store-records.js";

/** Where a conversation lives: the bot's ThreadRef. */
export type ThreadKey = ThreadRef;

export type {
  Conversation as ConversationRow,
  HandoffDraft as NewHandoff,
  HistoryMessage as StoredMessage,
  HistoryMessageDraft as NewMessage,
  OutboxEntry as OutboxRow,
  ReplyDraft as NewReply,
  ReplyKind,
  StudentMessageDraft as NewUserMessage,
  TurnState as TurnStatus,
} from "../bot/store-records.js";
export type { ConversationSummaryRow, HandoffRow, ListConversationsOptions, StoredTranscript } from "../bot/transcript-records.js";

export type ConversationStatus = Conversation["status"];
export type ReplyStatus = OutboxEntry["status"];

export interface WindowOptions {
  readonly maxMessages: number;
  readonly maxTokens: number;
  /** Only messages with a smaller seq (exclusive), e.g. to page back through history. */
  readonly beforeSeq?: number;
}

export interface ConversationStoreOptions {
  /** The clock, in unix ms; tests pass a fake one. */
  readonly now?: () => number;
}
