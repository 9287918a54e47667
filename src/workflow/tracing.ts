// OpenTelemetry spans of a turn through @opentelemetry/api only: a no-op until the application registers an SDK.

import type { Context, Span } from "@opentelemetry/api";
import type { ChatClient, ChatRequest, ChatResponse } from "./chat-client.js";
import type { ChatMessage, ToolCall } from "./messages.js";
import type { NextStep } from "./next-step.js";

type OpenTelemetryApi = typeof import("@opentelemetry/api");

// Loaded at the first turn, not at import: `baton/workflow` is imported by programs that never run a turn (a CLI's
// --help) and that pay for every module they load.
let api: Promise<OpenTelemetryApi> | undefined;
function loadApi(): Promise<OpenTelemetryApi> {
  api ??= import("@opentelemetry/api");
  return api;
}

/** Where the spans of one turn hang, and whether message text may go into them (off unless asked for). */
export class TurnTracing {
  readonly turn: Span;
  private readonly root: Context;
  private readonly otel: OpenTelemetryApi;

  /** Opens the turn's span (loading the API on the first turn). */
  static async start(content: boolean, workflowName: string | undefined, historyLength: number): Promise<TurnTracing> {
    return new TurnTracing(await loadApi(), content, workflowName, historyLength);
  }

  private constructor(
    otel: OpenTelemetryApi,
    private readonly content: boolean,
    workflowName: string | undefined,
    historyLength: number,
  ) {
    this.otel = otel;
    this.turn = this.tracer().startSpan("baton.turn", {
      kind: otel.SpanKind.INTERNAL,
      attributes: { "baton.workflow.name": workflowName ?? "handoff", "baton.turn.history_messages": historyLength },
    });
    this.root = otel.trace.setSpan(otel.context.active(), this.turn);
  }

  private tracer() {
    return this.otel.trace.getTracer("baton", "0.1.0");
  }

  /** `invoke_agent {name}`: one agent step, its model call and tool calls inside it. */
  startStep(agent: string): Span {
    return this.tracer().startSpan(`invoke_agent ${agent}`, { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": agent } }, this.root);
  }

  endStep(span: Span, next: NextStep): void {
    span.setAttribute("baton.step.next", next.kind);
    if (next.kind === "retry") span.setAttribute("baton.step.retry_because", next.because);
    if (next.kind === "stop") span.setAttribute("baton.step.stop_code", next.code);
    span.end();
  }

  /** `chat {model}` with the GenAI semantic conventions' attributes and token usage. */
  startModelCall(step: Span, client: ChatClient, request: ChatRequest): Span {
    const model = client.metadata?.model ?? "unknown";
    const span = this.tracer().startSpan(
      `chat ${model}`,
      {
        kind: this.otel.SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": "chat",
          "gen_ai.system": client.metadata?.system ?? "unknown",
          "gen_ai.request.model": model,
        },
      },
      this.otel.trace.setSpan(this.root, step),
    );
    if (this.content && span.isRecording()) span.setAttribute("gen_ai.input.messages", JSON.stringify(request.messages));
    return span;
  }

  endModelCall(span: Span, response: ChatResponse): void {
    if (response.usage !== undefined) {
      span.setAttribute("gen_ai.usage.input_tokens", response.usage.promptTokens);
      span.setAttribute("gen_ai.usage.output_tokens", response.usage.completionTokens);
    }
    if (response.finishReason !== undefined) span.setAttribute("gen_ai.response.finish_reasons", [response.finishReason]);
    if (this.content && span.isRecording()) span.setAttribute("gen_ai.output.messages", JSON.stringify([{ role: "assistant", content: response.text, toolCalls: response.toolCalls }]));
    span.end();
  }

  /** `execute_tool {name}` around one of the agent's own functions. */
  startToolCall(step: Span, call: ToolCall): Span {
    const span = this.tracer().startSpan(
      `execute_tool ${call.name}`,
      { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": call.name, "gen_ai.tool.call.id": call.id } },
      this.otel.trace.setSpan(this.root, step),
    );
    if (this.content && span.isRecording()) span.setAttribute("gen_ai.tool.call.arguments", call.arguments);
    return span;
  }

  endToolCall(span: Span, result: ChatMessage, failed: boolean): void {
    if (this.content && span.isRecording()) span.setAttribute("gen_ai.tool.call.result", result.text);
    if (failed) span.setStatus({ code: this.otel.SpanStatusCode.ERROR });
    span.end();
  }

  /** A handoff as its own short span; the reason is the model's words, so it is content. */
  handoff(step: Span, from: string, to: string, reason: string, human: boolean): void {
    const span = this.tracer().startSpan(
      `handoff ${from} -> ${to}`,
      { attributes: { "baton.handoff.from": from, "baton.handoff.to": to, "baton.handoff.human": human } },
      this.otel.trace.setSpan(this.root, step),
    );
    if (this.content && reason !== "") span.setAttribute("baton.handoff.reason", reason);
    span.end();
  }

  fail(span: Span, error: { code: string; message: string }): void {
    span.setAttribute("error.type", error.code);
    span.setStatus({ code: this.otel.SpanStatusCode.ERROR, ...(this.content ? { message: error.message } : {}) });
  }

  endTurn(status: "completed" | "failed", agent: string, error?: { code: string; message: string }): void {
    this.turn.setAttribute("baton.turn.status", status);
    this.turn.setAttribute("baton.turn.active_agent", agent);
    if (error !== undefined) this.fail(this.turn, error);
    this.turn.end();
  }
}
