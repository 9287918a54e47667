// The model Baton is benchmarked with: an in-process ChatClient that plays the seed's agents, instantly or after a delay.

import { setTimeout as delay } from "node:timers/promises";
import { contentText, type ChatClient, type ChatRequest, type ChatResponse, type ChatStreamPart, type ModelMessage } from "../../src/workflow/chat-client.js";
import type { TokenUsage, ToolCall } from "../../src/workflow/messages.js";
import { AGENTS, ANSWER_TEXT, estimateTokens, streamDeltas, subjectOf, TRIAGE_TEXT } from "./seed-scenario.js";

export interface ModelCallRecord {
  readonly agent: string;
  readonly promptTokens: number;
  readonly messages: number;
}

export interface SeedChatClientOptions {
  /** Added to every call (setTimeout), e.g. 200 ms for the concurrency scenario; 0 (default) answers at once. */
  readonly latencyMs?: number;
  /** Estimate prompt tokens from the request (costs a pass over it); otherwise a constant usage is reported. */
  readonly countTokens?: boolean;
  /** Sees every call, for the token-economy scenario. */
  readonly onCall?: (record: ModelCallRecord) => void;
}

const FIXED_USAGE: TokenUsage = { promptTokens: 100, completionTokens: 50, totalTokens: 150 };

/**
 * Triage narrates and hands off by subject; a tutor answers questions of its subject and hands anything else back to
 * triage (which is what happens with return-to-previous when the next question is about another subject).
 */
export class SeedChatClient implements ChatClient {
  calls = 0;
  /** Can be changed between phases, e.g. a zero-latency warm-up before the timed run. */
  latencyMs: number;
  private ids = 0;

  constructor(private readonly options: SeedChatClientOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  async getResponse(request: ChatRequest): Promise<ChatResponse> {
    const latency = this.latencyMs;
    if (latency > 0) await delay(latency, undefined, request.signal ? { signal: request.signal } : {});
    return this.respond(request);
  }

  async *getStreamingResponse(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    const response = await this.getResponse(request);
    for (const delta of streamDeltas(response.text)) yield { type: "text-delta", delta };
    yield { type: "done", response };
  }

  private respond(request: ChatRequest): ChatResponse {
    this.calls++;
    const agent = agentOf(request.messages[0]);
    const subject = subjectOf(lastUserText(request.messages));
    let text: string;
    let toolCalls: ToolCall[] = [];
    if (agent === AGENTS.triage.name) {
      text = TRIAGE_TEXT[subject];
      toolCalls = [this.call(`handoff_to_${AGENTS[subject].name}`, `{"reason":"${subject}"}`)];
    } else if (agent !== AGENTS[subject].name && request.tools.some((t) => t.name === `handoff_to_${AGENTS.triage.name}`)) {
      text = "";
      toolCalls = [this.call(`handoff_to_${AGENTS.triage.name}`, `{"reason":"not my subject"}`)];
    } else {
      text = ANSWER_TEXT[subject];
    }
    const usage = this.options.countTokens ? measuredUsage(request, text, toolCalls) : FIXED_USAGE;
    this.options.onCall?.({ agent, promptTokens: usage.promptTokens, messages: request.messages.length });
    return { text, toolCalls, usage, finishReason: toolCalls.length > 0 ? "tool_calls" : "stop" };
  }

  private call(name: string, args: string): ToolCall {
    return { id: `call_${++this.ids}`, name, arguments: args };
  }
}

function agentOf(system: ModelMessage | undefined): string {
  const content = system?.role === "system" ? system.content : "";
  for (const subject of ["triage", "math", "history"] as const) {
    if (content.startsWith(AGENTS[subject].instructions)) return AGENTS[subject].name;
  }
  return "unknown";
}

function lastUserText(messages: readonly ModelMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === "user") return contentText(message.content);
  }
  return "";
}

/** What a provider would bill, approximately: every message's text and tool calls, plus the offered tools. */
function measuredUsage(request: ChatRequest, text: string, toolCalls: readonly ToolCall[]): TokenUsage {
  let characters = 0;
  for (const message of request.messages) {
    // A message with an image is parts: its text counts here, the image by the tile formula elsewhere (bench/lib/media-intake.ts).
    const content = message.content ?? "";
    characters += typeof content === "string" ? content.length : contentText(content).length;
    if (message.role === "assistant" && message.toolCalls) characters += JSON.stringify(message.toolCalls).length;
  }
  for (const tool of request.tools) characters += tool.name.length + tool.description.length + JSON.stringify(tool.parameters).length;
  const promptTokens = estimateTokens(characters);
  const completionTokens = estimateTokens(text.length + (toolCalls.length > 0 ? JSON.stringify(toolCalls).length : 0));
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

