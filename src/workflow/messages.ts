// The conversation's data model: chat messages as the engine, the store and the LLM adapters exchange them.

export type ChatRole = "system" | "user" | "assistant" | "tool";

/** One function call requested by a model; `arguments` is the raw JSON text the model produced. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** Token usage reported by the model for one response. */
export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export interface ChatMessageInit {
  /** For assistant messages: the agent that wrote it. For user messages: the user's display name, if known. */
  authorName?: string;
  /** For user messages: the platform's user id, if known. */
  userId?: string;
  toolCalls?: readonly ToolCall[];
  /** For tool messages: the id of the call this message answers. */
  toolCallId?: string;
  usage?: TokenUsage;
  createdAt?: Date;
}

/**
 * A message of the conversation (the port of Microsoft.Extensions.AI's `ChatMessage`):
 * `new ChatMessage("user", "What is the derivative of x^2?")`.
 */
export class ChatMessage {
  readonly role: ChatRole;
  readonly text: string;
  readonly authorName?: string;
  readonly userId?: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly toolCallId?: string;
  readonly usage?: TokenUsage;
  readonly createdAt: Date;

  constructor(role: ChatRole, text: string, init: ChatMessageInit = {}) {
    this.role = role;
    this.text = text;
    if (init.authorName !== undefined) this.authorName = init.authorName;
    if (init.userId !== undefined) this.userId = init.userId;
    if (init.toolCalls !== undefined && init.toolCalls.length > 0) this.toolCalls = init.toolCalls;
    if (init.toolCallId !== undefined) this.toolCallId = init.toolCallId;
    if (init.usage !== undefined) this.usage = init.usage;
    this.createdAt = init.createdAt ?? new Date();
  }
}
