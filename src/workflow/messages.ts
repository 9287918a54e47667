// The conversation's data model: chat messages as the engine, the store and the LLM adapters exchange them.

import { TextContent, textOf, type AIContent } from "./contents.js";

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
  /** When it was written, as a Date or epoch milliseconds (a stored row's time); now when absent. */
  createdAt?: Date | number;
}

/**
 * A message of the conversation (the port of Microsoft.Extensions.AI's `ChatMessage`):
 * `new ChatMessage("user", "What is the derivative of x^2?")`, or with contents,
 * `new ChatMessage("user", [new TextContent("How do I do number 3?"), new DataContent(png, "image/png")])`.
 * `text` is the text of its contents, joined.
 */
export class ChatMessage {
  readonly role: ChatRole;
  readonly text: string;
  readonly #contents: readonly AIContent[] | undefined;
  // Declared, not defined: a field is an own property only when set, so a plain message is a small object (a history
  // rebuilt every turn makes thousands; 9 defined fields cost ~40% more to build and ~30 bytes more each).
  declare readonly authorName?: string;
  declare readonly userId?: string;
  declare readonly toolCalls?: readonly ToolCall[];
  declare readonly toolCallId?: string;
  declare readonly usage?: TokenUsage;
  /** A Date made only when asked for: a history rebuilt every turn creates thousands of messages no one dates. */
  #createdAt: Date | number;

  constructor(role: ChatRole, content: string | readonly AIContent[], init: ChatMessageInit = {}) {
    this.role = role;
    if (typeof content === "string") {
      this.text = content;
    } else {
      this.text = textOf(content);
      this.#contents = content;
    }
    if (init.authorName !== undefined) this.authorName = init.authorName;
    if (init.userId !== undefined) this.userId = init.userId;
    if (init.toolCalls !== undefined && init.toolCalls.length > 0) this.toolCalls = init.toolCalls;
    if (init.toolCallId !== undefined) this.toolCallId = init.toolCallId;
    if (init.usage !== undefined) this.usage = init.usage;
    this.#createdAt = init.createdAt ?? Date.now();
  }

  get createdAt(): Date {
    const at = this.#createdAt;
    if (typeof at !== "number") return at;
    const date = new Date(at);
    this.#createdAt = date;
    return date;
  }

  /** Its content items; a message made from a string has one TextContent (none when the string is empty). */
  get contents(): readonly AIContent[] {
    return this.#contents ?? (this.text === "" ? [] : [new TextContent(this.text)]);
  }

  /** Whether it carries more than text (an image, a file): the model view must then send content parts. */
  get hasMedia(): boolean {
    return this.#contents !== undefined && this.#contents.some((content) => content.type !== "text");
  }
}
