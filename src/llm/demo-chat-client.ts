// An offline, deterministic ChatClient used when no LLM is configured: it routes by keywords and says what it is.

import { contentText, imageCount, type ChatClient, type ChatRequest, type ChatResponse, type ChatStreamPart, type ModelMessage } from "../workflow/chat-client.js";
import { RunAbortedError } from "../workflow/errors.js";
import type { TokenUsage, ToolCall } from "../workflow/messages.js";
import { classifyTopic, type DemoTopic } from "./demo-topics.js";

const HANDOFF_PREFIX = "handoff_to_";
const QUOTE_LIMIT = 80;

/**
 * Reads the request as a model would: offered `handoff_to_<x>` tools and the last user message decide.
 * Like the seed's triage it answers with text AND the handoff call, so the engine's text+handoff path runs offline too.
 */
export class DemoChatClient implements ChatClient {
  readonly metadata = { system: "baton.demo", model: "demo" } as const;

  async getResponse(request: ChatRequest): Promise<ChatResponse> {
    throwIfAborted(request.signal);
    return answer(request);
  }

  async *getStreamingResponse(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    throwIfAborted(request.signal);
    const response = answer(request);
    for (const delta of response.text.match(/\S+\s*/g) ?? []) {
      throwIfAborted(request.signal);
      yield { type: "text-delta", delta };
    }
    throwIfAborted(request.signal);
    yield { type: "done", response };
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunAbortedError("The demo model's request was aborted.");
}

function answer(request: ChatRequest): ChatResponse {
  const question = lastUserText(request.messages);
  const topic = classifyTopic(question);
  const targets = request.tools
    .filter((tool) => tool.name.startsWith(HANDOFF_PREFIX))
    .map((tool) => tool.name.slice(HANDOFF_PREFIX.length));
  // After a tool result the work is already routed: answering (not handing off again) avoids ping-pong.
  if (request.messages.at(-1)?.role !== "tool") {
    const target = topic === undefined ? undefined : targets.find((name) => name.toLowerCase().includes(topic));
    if (topic !== undefined && target !== undefined) return handOff(request, topic, target);
    if (topic === undefined && targets.length > 0) {
      return reply(request, "I can pass you to the right tutor: please tell me whether this is a math or a history question.");
    }
  }
  const notice = offlineNotice(topic, question);
  return reply(request, lastUserImages(request.messages) > 0 ? `${DEMO_IMAGE_NOTICE} ${notice}` : notice);
}

/** Said whenever the student's message carries an image: the demo model reads text only. */
export const DEMO_IMAGE_NOTICE = "I can't see images in demo mode, so I only read the text of your message.";

function lastUser(messages: readonly ModelMessage[]): Extract<ModelMessage, { role: "user" }> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return message;
  }
  return undefined;
}

function lastUserText(messages: readonly ModelMessage[]): string {
  const message = lastUser(messages);
  return message === undefined ? "" : contentText(message.content);
}

function lastUserImages(messages: readonly ModelMessage[]): number {
  const message = lastUser(messages);
  return message === undefined ? 0 : imageCount(message.content);
}

function handOff(request: ChatRequest, topic: DemoTopic, target: string): ChatResponse {
  const text = `This is a ${topic} question. I'll hand this off to the ${target.replace(/_/g, " ")}.`;
  // The message count makes the id unique within a conversation and identical across runs.
  const call: ToolCall = {
    id: `call_demo_${request.messages.length}`,
    name: `${HANDOFF_PREFIX}${target}`,
    arguments: JSON.stringify({ reason: `${topic} question` }),
  };
  return { text, toolCalls: [call], usage: estimateUsage(request, text + call.arguments), finishReason: "tool_calls" };
}

function reply(request: ChatRequest, text: string): ChatResponse {
  return { text, toolCalls: [], usage: estimateUsage(request, text), finishReason: "stop" };
}

function offlineNotice(topic: DemoTopic | undefined, question: string): string {
  const quoted = question.length > QUOTE_LIMIT ? `${question.slice(0, QUOTE_LIMIT - 1)}…` : question;
  const about = `your ${topic === undefined ? "" : `${topic} `}question${quoted.trim() === "" ? "" : ` ("${quoted.trim()}")`}`;
  return (
    `I'm Baton's offline demo model, not a real LLM, so I can't really answer ${about}. ` +
    "To get real answers, set OPENAI_API_KEY, or AZURE_OPENAI_ENDPOINT, or OPENAI_BASE_URL for an OpenAI-compatible server."
  );
}

/** Rough token counts (4 characters a token): enough for usage displays and budgets in demos. */
function estimateUsage(request: ChatRequest, completion: string): TokenUsage {
  const promptChars =
    request.messages.reduce((sum, message) => sum + (message.role === "user" ? contentText(message.content) : (message.content ?? "")).length, 0) +
    request.tools.reduce((sum, tool) => sum + tool.name.length + tool.description.length, 0);
  const promptTokens = Math.ceil(promptChars / 4);
  const completionTokens = Math.ceil(completion.length / 4);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
