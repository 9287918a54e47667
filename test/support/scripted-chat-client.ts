// A scripted in-process ChatClient: answers from a queue or a function of the request, and records every request.

import type { ChatClient, ChatRequest, ChatResponse, ChatStreamPart } from "../../src/workflow/chat-client.js";
import type { ToolCall } from "../../src/workflow/messages.js";

export interface ScriptedReply {
  text?: string;
  toolCalls?: Array<{ name: string; arguments?: string; id?: string }>;
  /** Thrown instead of answering. */
  error?: Error;
  /** Awaited before answering (for cancellation and ordering tests). */
  gate?: Promise<void>;
}

export type Script = ScriptedReply[] | ((request: ChatRequest, callIndex: number) => ScriptedReply);

let callIds = 0;

export class ScriptedChatClient implements ChatClient {
  readonly requests: ChatRequest[] = [];
  private readonly queue: ScriptedReply[];

  constructor(private readonly script: Script = []) {
    this.queue = Array.isArray(script) ? [...script] : [];
  }

  /** The system prompt of each request, so tests can tell which agent was asked. */
  get askedAgents(): string[] {
    return this.requests.map((r) => (r.messages[0]?.role === "system" ? r.messages[0].content : ""));
  }

  private async next(request: ChatRequest): Promise<ChatResponse> {
    this.requests.push(request);
    const reply = Array.isArray(this.script) ? this.queue.shift() : this.script(request, this.requests.length - 1);
    if (reply === undefined) throw new Error(`ScriptedChatClient: no reply scripted for call ${this.requests.length}`);
    if (reply.gate) await reply.gate;
    if (request.signal?.aborted) throw request.signal.reason ?? new Error("aborted");
    if (reply.error) throw reply.error;
    const toolCalls: ToolCall[] = (reply.toolCalls ?? []).map((c) => ({
      id: c.id ?? `call_${++callIds}`,
      name: c.name,
      arguments: c.arguments ?? "{}",
    }));
    const text = reply.text ?? "";
    return { text, toolCalls, usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 }, finishReason: toolCalls.length ? "tool_calls" : "stop" };
  }

  getResponse(request: ChatRequest): Promise<ChatResponse> {
    return this.next(request);
  }

  async *getStreamingResponse(request: ChatRequest): AsyncGenerator<ChatStreamPart> {
    const response = await this.next(request);
    for (const word of response.text.match(/\S+\s*/g) ?? []) yield { type: "text-delta", delta: word };
    yield { type: "done", response };
  }
}
