// Converts between SQLite rows (snake_case, NULLs, JSON text) and the store's types.

import type { ChatRole, ToolCall } from "../workflow/messages.js";
import type {
  ConversationRow,
  ConversationStatus,
  HandoffRow,
  OutboxRow,
  ReplyKind,
  ReplyStatus,
  StoredMessage,
  TurnStatus,
} from "./types.js";
import type { WindowMessage } from "../bot/store-records.js";

/**
 * Message queries select these columns in this order and read rows with better-sqlite3's `.raw()` (arrays): building
 * an 18-key object per row costs more than the query itself on the history-window hot path. The history window reads
 * the first 15 only (WINDOW_COLUMNS): every column read costs, and the last three change after a message is stored.
 */
export const WINDOW_COLUMNS =
  "id, conversation_id, seq, role, author_agent, user_id, user_name, text, tool_calls, tool_call_id, prompt_tokens, " +
  "completion_tokens, token_estimate, platform_message_id, created_at";
export const MESSAGE_COLUMNS = `${WINDOW_COLUMNS}, turn_status, turn_attempts, error_code`;

export type WindowTuple = [
  id: number,
  conversationId: number,
  seq: number,
  role: ChatRole,
  authorAgent: string | null,
  userId: string | null,
  userName: string | null,
  text: string,
  toolCalls: string | null,
  toolCallId: string | null,
  promptTokens: number | null,
  completionTokens: number | null,
  tokenEstimate: number,
  platformMessageId: string | null,
  createdAt: number,
];

export type MessageTuple = [...WindowTuple, turnStatus: TurnStatus | null, turnAttempts: number, errorCode: string | null];

export const CONVERSATION_COLUMNS = "id, platform, workspace, channel, thread, active_agent, status, created_at, updated_at";

export interface ConversationRecord {
  id: number;
  platform: string;
  workspace: string;
  channel: string;
  thread: string;
  active_agent: string | null;
  status: ConversationStatus;
  created_at: number;
  updated_at: number;
}

export interface HandoffRecord {
  id: number;
  conversation_id: number;
  message_id: number | null;
  from_agent: string;
  to_agent: string;
  reason: string;
  created_at: number;
}

export interface OutboxRecord {
  id: number;
  conversation_id: number;
  message_id: number | null;
  platform: string;
  workspace: string;
  channel: string;
  thread: string;
  agent_name: string;
  text: string;
  kind: ReplyKind;
  status: ReplyStatus;
  attempts: number;
  platform_message_id: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** Positions follow WindowTuple (and so WINDOW_COLUMNS). */
export function toWindowMessage(row: WindowTuple | MessageTuple): WindowMessage {
  const promptTokens = row[10];
  const completionTokens = row[11];
  return {
    id: row[0],
    conversationId: row[1],
    seq: row[2],
    role: row[3],
    authorAgent: orUndefined(row[4]),
    userId: orUndefined(row[5]),
    userName: orUndefined(row[6]),
    text: row[7],
    toolCalls: row[8] === null ? undefined : (JSON.parse(row[8]) as ToolCall[]),
    toolCallId: orUndefined(row[9]),
    usage:
      promptTokens === null || completionTokens === null
        ? undefined
        : { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
    tokenEstimate: row[12],
    platformMessageId: orUndefined(row[13]),
    createdAt: row[14],
  };
}

/** Positions follow MessageTuple (and so MESSAGE_COLUMNS). */
export function toStoredMessage(row: MessageTuple): StoredMessage {
  return { ...toWindowMessage(row), turnStatus: orUndefined(row[15]), turnAttempts: row[16], errorCode: orUndefined(row[17]) };
}

export function toConversationRow(r: ConversationRecord): ConversationRow {
  return {
    id: r.id,
    key: { platform: r.platform, workspace: r.workspace, channel: r.channel, thread: r.thread },
    activeAgent: r.active_agent,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toHandoffRow(r: HandoffRecord): HandoffRow {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    messageId: orUndefined(r.message_id),
    from: r.from_agent,
    to: r.to_agent,
    reason: r.reason,
    createdAt: r.created_at,
  };
}

export function toOutboxRow(r: OutboxRecord): OutboxRow {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    messageId: orUndefined(r.message_id),
    key: { platform: r.platform, workspace: r.workspace, channel: r.channel, thread: r.thread },
    agentName: r.agent_name,
    text: r.text,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    platformMessageId: orUndefined(r.platform_message_id),
    lastError: orUndefined(r.last_error),
    createdAt: r.created_at,
    sentAt: orUndefined(r.sent_at),
  };
}

/** What the window budgets with: about four characters per token, counting tool-call names and arguments too. */
export function estimateTokens(text: string, toolCallsJson: string | null): number {
  return Math.ceil((text.length + (toolCallsJson?.length ?? 0)) / 4);
}
