// The port through which the engine talks to a language model; src/llm/ holds its adapters.

import type { TokenUsage, ToolCall } from "./messages.js";

/** A function the model may call, described by a JSON Schema for its arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** One part of a user message that carries more than text: `url` is a data URL (or a link) of the image. */
export type ModelContentPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image"; readonly url: string; readonly mediaType: string; readonly name?: string };

/** A message in the shape a model receives it: already filtered, attributed and ordered. */
export type ModelMessage =
  | { readonly role: "system"; readonly content: string }
  | { readonly role: "user"; readonly content: string | readonly ModelContentPart[]; readonly name?: string }
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

/** What the client talks to, for tracing (after Microsoft.Extensions.AI's ChatClientMetadata). */
export interface ChatClientMetadata {
  /** `gen_ai.system`, e.g. "openai", "azure.ai.openai". */
  readonly system: string;
  /** `gen_ai.request.model`: the model or deployment name. */
  readonly model: string;
}

/** The engine's model port (after Microsoft.Extensions.AI's IChatClient). */
export interface ChatClient {
  readonly metadata?: ChatClientMetadata;
  getResponse(request: ChatRequest): Promise<ChatResponse>;
  getStreamingResponse(request: ChatRequest): AsyncIterable<ChatStreamPart>;
}

/** The text of a user message's content, its images left out: what a text-only reader (the demo model) sees. */
export function contentText(content: string | readonly ModelContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("\n").trim();
}

/** How many images a user message's content carries. */
export function imageCount(content: string | readonly ModelContentPart[]): number {
  return typeof content === "string" ? 0 : content.filter((part) => part.type === "image").length;
}
