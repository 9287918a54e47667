// Converts between SQLite rows (snake_case, NULLs, JSON text) and the store's types and the engine's ChatMessage.

import { ChatMessage } from "../workflow/messages.js";
import type { ChatMessageInit, ChatRole, ToolCall } from "../workflow/messages.js";
import type {
  ConversationRow,
  ConversationStatus,
  HandoffRow,
  NewMessage,
  OutboxRow,
  ReplyKind,
  ReplyStatus,
  StoredMessage,
  TurnStatus,
} from "./types.js";

/** The column list every message query selects, so MessageRecord stays true. */
export const MESSAGE_COLUMNS =
  "id, conversation_id, seq, role, author_agent, user_id, user_name, text, tool_calls, tool_call_id, prompt_tokens, " +
  "completion_tokens, token_estimate, platform_message_id, turn_status, turn_attempts, error_code, created_at";

export const CONVERSATION_COLUMNS = "id, platform, workspace, channel, thread, active_agent, status, created_at, updated_at";

export interface MessageRecord {
  id: number;
  conversation_id: number;
  seq: number;
  role: ChatRole;
  author_agent: string | null;
  user_id: string | null;
  user_name: string | null;
  text: string;
  tool_calls: string | null;
  tool_call_id: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  token_estimate: number;
  platform_message_id: string | null;
  turn_status: TurnStatus | null;
  turn_attempts: number;
  error_code: string | null;
  created_at: number;
}

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

export function toStoredMessage(r: MessageRecord): StoredMessage {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    role: r.role,
    authorAgent: orUndefined(r.author_agent),
    userId: orUndefined(r.user_id),
    userName: orUndefined(r.user_name),
    text: r.text,
    toolCalls: r.tool_calls === null ? undefined : (JSON.parse(r.tool_calls) as ToolCall[]),
    toolCallId: orUndefined(r.tool_call_id),
    usage:
      r.prompt_tokens === null || r.completion_tokens === null
        ? undefined
        : {
            promptTokens: r.prompt_tokens,
            completionTokens: r.completion_tokens,
            totalTokens: r.prompt_tokens + r.completion_tokens,
          },
    tokenEstimate: r.token_estimate,
    platformMessageId: orUndefined(r.platform_message_id),
    turnStatus: orUndefined(r.turn_status),
    turnAttempts: r.turn_attempts,
    errorCode: orUndefined(r.error_code),
    createdAt: r.created_at,
  };
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

/** The engine's view of a stored message: authorName is the agent (assistant/tool) or the student's name (user). */
export function toChatMessage(stored: StoredMessage): ChatMessage {
  const init: ChatMessageInit = { createdAt: new Date(stored.createdAt) };
  const authorName = stored.role === "user" ? stored.userName : stored.authorAgent;
  if (authorName !== undefined) init.authorName = authorName;
  if (stored.userId !== undefined) init.userId = stored.userId;
  if (stored.toolCalls !== undefined) init.toolCalls = stored.toolCalls;
  if (stored.toolCallId !== undefined) init.toolCallId = stored.toolCallId;
  if (stored.usage !== undefined) init.usage = stored.usage;
  return new ChatMessage(stored.role, stored.text, init);
}

/** The inverse of toChatMessage, for appending what the engine produced (e.g. a WorkflowCompletedEvent's messages). */
export function fromChatMessage(message: ChatMessage): NewMessage {
  const isUser = message.role === "user";
  return {
    role: message.role,
    text: message.text,
    ...(message.authorName !== undefined && (isUser ? { userName: message.authorName } : { authorAgent: message.authorName })),
    ...(message.userId !== undefined && { userId: message.userId }),
    ...(message.toolCalls !== undefined && { toolCalls: message.toolCalls }),
    ...(message.toolCallId !== undefined && { toolCallId: message.toolCallId }),
    ...(message.usage !== undefined && { usage: message.usage }),
  };
}
