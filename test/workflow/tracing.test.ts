// The spans of the seed's turn, read from an in-memory exporter: turn, agent steps, model calls, handoff, tool calls.

import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AgentWorkflowBuilder, ChatClientAgent, ChatMessage, InProcessExecution } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
beforeAll(() => void trace.setGlobalTracerProvider(provider));
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

const QUESTION = "What is the derivative of x^2?";

function seed(traceContent: boolean) {
  const client = Object.assign(
    new ScriptedChatClient([
      { text: "This is a math question.", toolCalls: [{ name: "handoff_to_math_tutor", arguments: '{"reason":"calculus"}' }] },
      { text: "", toolCalls: [{ name: "power_rule", arguments: '{"n":2}' }] },
      { text: "The derivative of x^2 is 2x." },
    ]),
    { metadata: { system: "openai", model: "gpt-4o-mini" } },
  );
  const powerRule = { name: "power_rule", description: "d/dx x^n", parameters: { type: "object" }, invoke: () => "n·x^(n-1)" };
  const triage = new ChatClientAgent(client, "You determine which agent to use.", "triage_agent", "Routes");
  const math = new ChatClientAgent(client, { name: "math_tutor", instructions: "You help with math.", tools: [powerRule] });
  const builder = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withName("homework").withHandoff(triage, math);
  return (traceContent ? builder.withTraceContent() : builder).build();
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const parentId = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("tracing", () => {
  it("records the seed's turn with GenAI attributes, nested under one turn span, with no message text", async () => {
    await InProcessExecution.run(seed(false), [new ChatMessage("user", QUESTION)]);
    const spans = exporter.getFinishedSpans();
    const [turn] = byName(spans, "baton.turn");
    expect(turn!.attributes).toMatchObject({ "baton.workflow.name": "homework", "baton.turn.status": "completed", "baton.turn.active_agent": "math_tutor" });
    const steps = spans.filter((s) => s.name.startsWith("invoke_agent"));
    expect(steps.map((s) => [s.name, s.attributes["baton.step.next"]])).toEqual([
      ["invoke_agent triage_agent", "handoff"],
      ["invoke_agent math_tutor", "retry"],
      ["invoke_agent math_tutor", "final"],
    ]);
    for (const step of steps) expect(parentId(step)).toBe(turn!.spanContext().spanId);
    const chats = byName(spans, "chat gpt-4o-mini");
    expect(chats).toHaveLength(3);
    expect(chats[0]!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
    });
    expect(chats.map(parentId)).toEqual(steps.map((s) => s.spanContext().spanId));
    const [handoff] = byName(spans, "handoff triage_agent -> math_tutor");
    expect(parentId(handoff!)).toBe(steps[0]!.spanContext().spanId);
    const [tool] = byName(spans, "execute_tool power_rule");
    expect(tool!.attributes).toMatchObject({ "gen_ai.tool.name": "power_rule" });
    expect(parentId(tool!)).toBe(steps[1]!.spanContext().spanId);
    const everything = JSON.stringify(spans.map((s) => s.attributes));
    for (const text of [QUESTION, "calculus", "2x", "n·x", '{"n":2}']) expect(everything).not.toContain(text);
  });

  it("puts message text into the spans only when asked to", async () => {
    await InProcessExecution.run(seed(true), [new ChatMessage("user", QUESTION)]);
    const spans = exporter.getFinishedSpans();
    expect(String(byName(spans, "chat gpt-4o-mini")[0]!.attributes["gen_ai.input.messages"])).toContain(QUESTION);
    expect(byName(spans, "handoff triage_agent -> math_tutor")[0]!.attributes["baton.handoff.reason"]).toBe("calculus");
    expect(byName(spans, "execute_tool power_rule")[0]!.attributes["gen_ai.tool.call.result"]).toBe("n·x^(n-1)");
  });

  it("marks the turn failed with the error's code when the model fails", async () => {
    const client = new ScriptedChatClient([{ error: new Error("boom") }]);
    const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(new ChatClientAgent(client, "Help.", "a")).build();
    await InProcessExecution.run(workflow, [new ChatMessage("user", QUESTION)]);
    const [turn] = byName(exporter.getFinishedSpans(), "baton.turn");
    expect(turn!.attributes).toMatchObject({ "baton.turn.status": "failed", "error.type": "model_unavailable" });
    expect(byName(exporter.getFinishedSpans(), "chat unknown")).toHaveLength(1);
  });
});
