// The two pure functions of the next-step decision, each alone: how tool calls are answered, and what comes next.

import { describe, expect, it } from "vitest";
import { AgentWorkflowBuilder, ChatClientAgent, DEFAULT_STOP_TEXTS, HumanParticipant, answerToolCalls, chooseNextStep } from "../../src/workflow/index.js";
import type { ToolCall } from "../../src/workflow/messages.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const client = new ScriptedChatClient();
const lookup = { name: "lookup", description: "Looks up", parameters: { type: "object" }, invoke: () => "found" };
const triage = new ChatClientAgent(client, { name: "triage_agent", instructions: "Route.", tools: [lookup] });
const math = new ChatClientAgent(client, "Math.", "math_tutor", "Math");
const teacher = new HumanParticipant({ name: "teacher", description: "A person" });
const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, [math, teacher]).withHandoff(math, triage).build();
const plan = workflow.plan("triage_agent")!;
const limits = { maxHandoffs: 2, maxToolRounds: 3, stopTexts: DEFAULT_STOP_TEXTS };
const fresh = { handoffs: 0, toolRounds: 0, continuations: 0 };
let ids = 0;
const call = (name: string, args = "{}"): ToolCall => ({ id: `c${++ids}`, name, arguments: args });

describe("answerToolCalls", () => {
  it("takes the first allowed handoff, ignores later ones, refuses undeclared ones naming what is allowed", () => {
    const answers = answerToolCalls(plan, [call("handoff_to_physics"), call("handoff_to_math_tutor", '{"reason":"algebra"}'), call("handoff_to_teacher")], fresh, limits);
    expect(answers.map((a) => a.kind)).toEqual(["refused", "handoff", "ignored"]);
    expect(answers[0]).toMatchObject({ text: "Error: 'physics' is not an agent you can hand off to. Available handoffs: handoff_to_math_tutor, handoff_to_teacher." });
    expect(answers[1]).toMatchObject({ reason: "algebra", target: { kind: "agent" } });
  });

  it("past the handoff cap performs neither the handoff nor anything after it", () => {
    const answers = answerToolCalls(plan, [call("lookup"), call("handoff_to_math_tutor"), call("lookup")], { ...fresh, handoffs: 2 }, limits);
    expect(answers.map((a) => a.kind)).toEqual(["invoke", "not_performed", "not_performed"]);
  });

  it("answers a call of a function that does not exist", () => {
    expect(answerToolCalls(plan, [call("nope")], fresh, limits)).toMatchObject([{ kind: "unknown_function", text: "Error: there is no function named 'nope'." }]);
  });

  it("offers a human participant as a handoff target", () => {
    expect(answerToolCalls(plan, [call("handoff_to_teacher")], fresh, limits)).toMatchObject([{ kind: "handoff", target: { kind: "human" } }]);
  });
});

describe("chooseNextStep", () => {
  const next = (calls: ToolCall[], counters = fresh) => chooseNextStep(plan, answerToolCalls(plan, calls, counters, limits), counters, limits);

  it("is final without calls, a handoff with a valid one", () => {
    expect(next([])).toEqual({ kind: "final" });
    expect(next([call("handoff_to_math_tutor", '{"reason":"r"}')])).toEqual({ kind: "handoff", to: "math_tutor", reason: "r" });
  });

  it("retries after a refused handoff or the agent's own functions, and says why", () => {
    expect(next([call("handoff_to_physics")])).toEqual({ kind: "retry", because: "undeclared_handoff" });
    expect(next([call("lookup")])).toEqual({ kind: "retry", because: "tool_results" });
    expect(next([call("nope")])).toEqual({ kind: "retry", because: "unknown_function" });
  });

  it("stops with a code and the workflow's text at either cap", () => {
    expect(next([call("handoff_to_math_tutor")], { ...fresh, handoffs: 2 })).toEqual({ kind: "stop", code: "max_handoffs_exceeded", text: DEFAULT_STOP_TEXTS.maxHandoffs });
    expect(next([call("handoff_to_physics")], { ...fresh, handoffs: 2 })).toMatchObject({ kind: "stop", code: "max_handoffs_exceeded" });
    expect(next([call("lookup")], { ...fresh, toolRounds: 2 })).toEqual({ kind: "stop", code: "max_tool_rounds_exceeded", text: DEFAULT_STOP_TEXTS.maxToolRounds });
  });

  it("continues an autonomous agent that answered, up to its turn limit", () => {
    const autonomous = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, math).withAutonomousMode({ turnLimit: 2 }).build().plan("triage_agent")!;
    const decide = (continuations: number) => chooseNextStep(autonomous, [], { ...fresh, continuations }, limits);
    expect(decide(0)).toEqual({ kind: "retry", because: "autonomous" });
    expect(decide(1)).toEqual({ kind: "retry", because: "autonomous" });
    expect(decide(2)).toEqual({ kind: "final" });
  });
});
