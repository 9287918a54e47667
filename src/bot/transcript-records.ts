// The records moderators read through the bot's store port: a conversation's transcript, the listing, kept files' details.

import type { Conversation, HistoryMessage } from "./store-records.js";

/** A handoff as it was recorded in a conversation. */
export interface HandoffRow {
  readonly id: number;
  readonly conversationId: number;
  /** The assistant message that handed off; undefined if none was recorded or it was deleted. */
  readonly messageId: number | undefined;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly createdAt: number;
}

/** Everything a moderator reads of one conversation, as stored. */
export interface StoredTranscript {
  readonly conversation: Conversation;
  /** Oldest first. */
  readonly messages: HistoryMessage[];
  /** Oldest first. */
  readonly handoffs: HandoffRow[];
}

/** A conversation as the moderators' listing shows it. */
export interface ConversationSummaryRow extends Conversation {
  readonly messageCount: number;
  /** The agent that wrote the newest assistant message, if any. */
  readonly lastAgent: string | null;
}

/** A kept file as a listing shows it: everything but the bytes. */
export interface AttachmentInfo {
  readonly id: number;
  readonly conversationId: number;
  readonly messageId: number;
  readonly origin: "upload" | "rendered";
  readonly kind: "image" | "pdf" | "text" | "file";
  readonly mediaType: string;
  readonly fileName: string;
  readonly byteSize: number;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly altText: string | undefined;
  readonly extractedText: string | undefined;
  readonly platformFileId: string | undefined;
  readonly sourceUrl: string | undefined;
  readonly createdAt: number;
}

/** Which conversations a listing shows: one platform's, optionally one workspace's and channel's. */
export interface ListConversationsOptions {
  readonly platform: string;
  readonly workspace?: string;
  readonly channel?: string;
  /** Defaults to 25. */
  readonly limit?: number;
}
