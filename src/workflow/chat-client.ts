// The port through which the engine talks to a language model; src/llm/ holds its adapters.

import type { TokenUsage, ToolCall } from "./messages.js";

/** A function the model may call, described by a JSON Schema for its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A message in the shape a model receives it: already filtered, attributed and ordered. */
export type ModelMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string; readonly name?: string }
  | {
      readonly role: "assistant";
      readonly content: string | null;
      readonly name?: string;
      readonly toolCalls?: readonly ToolCall[];
    }
  | { readonly role: "tool"; readonly toolCallId: string; readonly content: string };

export interface ChatRequest {
  readonly messages: readonly ModelMessage[];
  readonly tools: readonly ToolDefinition[];
  readonly signal?: AbortSignal;
}

export interface ChatResponse {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage?: TokenUsage;
  readonly finishReason?: string;
}

/** While streaming: text deltas as they arrive, then exactly one `done` part with the assembled response. */
export type ChatStreamPart =
  | { readonly type: "text-delta"; readonly delta: string }
  | { readonly type: "done"; readonly response: ChatResponse };

/** The engine's model port (after Microsoft.Extensions.AI's IChatClient). */
export interface ChatClient {
  getResponse(request: ChatRequest): Promise<ChatResponse>;
  getStreamingResponse(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}
