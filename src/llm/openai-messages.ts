// Translates the engine's ModelMessage and ToolDefinition into the chat.completions request shapes.

import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ModelContentPart, ModelMessage, ToolDefinition } from "../workflow/chat-client.js";

/** How closely the model looks at an image (OpenAI's `detail`): low is 85 tokens, high tiles it; auto lets it choose. */
export type ImageDetail = "auto" | "low" | "high";

export interface MessageOptions {
  /** Default "auto". */
  readonly imageDetail?: ImageDetail;
}

/**
 * The API rejects participant names with spaces or markup characters ("Jane Doe" is a 400), and
 * Azure is stricter still; user display names are free text, so keep only the safe characters.
 */
export function toParticipantName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const safe = name.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 64);
  return /[a-zA-Z0-9]/.test(safe) ? safe : undefined;
}

export function toOpenAIMessage(message: ModelMessage, options: MessageOptions = {}): ChatCompletionMessageParam {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content };
    case "user": {
      const name = toParticipantName(message.name);
      const content = typeof message.content === "string" ? message.content : toContentParts(message.content, options.imageDetail ?? "auto");
      return name === undefined ? { role: "user", content } : { role: "user", content, name };
    }
    case "assistant":
      return toAssistantMessage(message);
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

function toAssistantMessage(message: Extract<ModelMessage, { role: "assistant" }>): ChatCompletionAssistantMessageParam {
  const toolCalls = message.toolCalls ?? [];
  // null content is only valid next to tool calls; an empty answer without them must be "".
  const content = toolCalls.length > 0 && !message.content ? null : (message.content ?? "");
  const param: ChatCompletionAssistantMessageParam = { role: "assistant", content };
  const name = toParticipantName(message.name);
  if (name !== undefined) param.name = name;
  if (toolCalls.length > 0) {
    param.tool_calls = toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return param;
}

/** Images go as `image_url` parts with a base64 data URL: the one form OpenAI, Azure and compatible servers all take. */
function toContentParts(parts: readonly ModelContentPart[], detail: ImageDetail): ChatCompletionContentPart[] {
  const out: ChatCompletionContentPart[] = parts.map((part) =>
    part.type === "text" ? { type: "text", text: part.text } : { type: "image_url", image_url: { url: part.url, detail } },
  );
  // The API refuses an empty content array: a message of only refused parts still says something.
  return out.length === 0 ? [{ type: "text", text: "" }] : out;
}

export function toOpenAIMessages(messages: readonly ModelMessage[], options: MessageOptions = {}): ChatCompletionMessageParam[] {
  return messages.map((message) => toOpenAIMessage(message, options));
}

/** Undefined for an empty list: the API rejects `tools: []`, so the key must be left out. */
export function toOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionFunctionTool[] | undefined {
  if (tools.length === 0) return undefined;
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } },
  }));
}
