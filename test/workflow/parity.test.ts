// Microsoft Agent Framework's builder names and behaviour: participants, names, autonomous mode, event switches, humans.

import { describe, expect, it } from "vitest";
import {
  AgentWorkflowBuilder,
  ChatClientAgent,
  ChatMessage,
  DEFAULT_CONTINUATION_PROMPT,
  HumanParticipant,
  InProcessExecution,
  TurnToken,
  type WorkflowEvent,
} from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const question = [new ChatMessage("user", "What is 2+2?")];

/** Every event type, checked by a switch the compiler proves complete. */
function label(event: WorkflowEvent): string {
  switch (event.type) {
    case "agent_run_update":
      return `delta:${event.executorId}`;
    case "agent_step":
      return `step:${event.agent}:${event.next.kind}`;
    case "agent_step_retry":
      return `retry:${event.executorId}:${event.reason}`;
    case "agent_response":
      return `response:${event.executorId}`;
    case "tool_result":
      return `tool:${event.executorId}`;
    case "handoff":
      return `handoff:${event.from}>${event.to}`;
    case "human_input_request":
      return `human:${event.from}>${event.to}`;
    case "warning":
      return `warning:${event.code}`;
    case "error":
      return `error:${event.data.code}`;
    case "completed":
      return "completed";
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

describe("framework parity", () => {
  it("addParticipants without edges lets every agent hand off to every other participant", () => {
    const client = new ScriptedChatClient();
    const [a, b, c] = ["a", "b", "c"].map((name) => new ChatClientAgent(client, "Help.", name, `Agent ${name}`));
    const teacher = new HumanParticipant({ name: "teacher", description: "A person" });
    const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(a!).addParticipants(b!, c!, teacher).withName("homework").withDescription("Homework help").build();
    expect(workflow.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["a>b", "a>c", "a>teacher", "b>a", "b>c", "b>teacher", "c>a", "c>b", "c>teacher"]);
    expect(workflow.plan("b")!.tools.map((t) => t.name)).toEqual(["handoff_to_a", "handoff_to_c", "handoff_to_teacher"]);
    expect(workflow).toMatchObject({ name: "homework", description: "Homework help" });
  });

  it("startHandoffWith is the seed's alias of createHandoffBuilderWith", () => {
    const client = new ScriptedChatClient();
    const a = new ChatClientAgent(client, "Help.", "a");
    const b = new ChatClientAgent(client, "Help.", "b");
    const one = AgentWorkflowBuilder.startHandoffWith(a).withHandoff(a, b).build();
    const two = AgentWorkflowBuilder.createHandoffBuilderWith(a).withHandoff(a, b).build();
    expect(one.edges).toEqual(two.edges);
  });

  it("emits one AgentStepEvent per step, the switch over WorkflowEvent covering every type", async () => {
    const client = new ScriptedChatClient([{ text: "Math.", toolCalls: [{ name: "handoff_to_math_tutor" }] }, { text: "4." }]);
    const triage = new ChatClientAgent(client, "Route.", "triage_agent");
    const math = new ChatClientAgent(client, "Math.", "math_tutor");
    const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, math).build();
    const { events } = await InProcessExecution.run(workflow, question);
    expect(events.map(label)).toEqual(["response:triage_agent", "tool:triage_agent", "step:triage_agent:handoff", "handoff:triage_agent>math_tutor", "response:math_tutor", "step:math_tutor:final", "completed"]);
    const step = events.find((e) => e.type === "agent_step")!;
    expect(step.type === "agent_step" && step.messages.map((m) => m.role)).toEqual(["assistant", "tool"]);
  });

  it("emitAgentResponseEvents(false) leaves the steps alone; emitAgentResponseUpdateEvents overrides the TurnToken", async () => {
    const client = new ScriptedChatClient(() => ({ text: "Four, of course." }));
    const a = new ChatClientAgent(client, "Help.", "a");
    const quiet = AgentWorkflowBuilder.createHandoffBuilderWith(a).emitAgentResponseEvents(false).emitAgentResponseUpdateEvents(true).build();
    const run = await InProcessExecution.stream(quiet, question);
    await run.trySendMessage(new TurnToken(false));
    const events: string[] = [];
    for await (const event of run.watchStream()) events.push(label(event));
    expect(events).toEqual(["delta:a", "delta:a", "delta:a", "step:a:final", "completed"]);
    const silent = AgentWorkflowBuilder.createHandoffBuilderWith(a).emitAgentResponseUpdateEvents(false).build();
    const second = await InProcessExecution.stream(silent, question);
    const labels: string[] = [];
    for await (const event of second.watchStream()) labels.push(label(event));
    expect(labels.filter((l) => l.startsWith("delta"))).toEqual([]);
  });

  it("autonomous mode continues an agent that answered, with the continuation prompt, up to the turn limit", async () => {
    const client = new ScriptedChatClient(() => ({ text: "Working on it." }));
    const a = new ChatClientAgent(client, "Help.", "a");
    const b = new ChatClientAgent(client, "Help.", "b");
    const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(a).withHandoff(a, b).withAutonomousMode({ turnLimit: 2, agents: [a] }).build();
    const { events, result } = await InProcessExecution.run(workflow, question);
    expect(events.map(label).filter((l) => l.startsWith("step"))).toEqual(["step:a:retry", "step:a:retry", "step:a:final"]);
    expect(result.messages).toHaveLength(3);
    const last = client.requests.at(-1)!.messages.at(-1)!;
    expect(last).toEqual({ role: "user", content: DEFAULT_CONTINUATION_PROMPT });
    // Off by default, and only for the named agents.
    expect(workflow.plan("b")!.autonomous).toBeUndefined();
    const plain = AgentWorkflowBuilder.createHandoffBuilderWith(a).withHandoff(a, b).build();
    expect(plain.plan("a")!.autonomous).toBeUndefined();
  });

  it("a handoff to a human participant ends the turn with a HumanInputRequestEvent", async () => {
    const client = new ScriptedChatClient([{ text: "Let me ask a teacher.", toolCalls: [{ name: "handoff_to_teacher", arguments: '{"reason":"personal matter"}' }] }]);
    const triage = new ChatClientAgent(client, "Route.", "triage_agent");
    const teacher = new HumanParticipant({ name: "teacher", description: "A teacher, for questions no tutor should answer" });
    const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, teacher).build();
    const { events, result } = await InProcessExecution.run(workflow, question);
    expect(events.map(label)).toEqual(["response:triage_agent", "tool:triage_agent", "step:triage_agent:handoff", "handoff:triage_agent>teacher", "human:triage_agent>teacher", "completed"]);
    expect(result).toMatchObject({ status: "completed", activeAgent: "triage_agent", humanInputRequest: { from: "triage_agent", to: "teacher", reason: "personal matter" } });
    expect(client.requests[0]!.tools.map((t) => t.name)).toEqual(["handoff_to_teacher"]);
    expect(client.requests[0]!.tools[0]!.description).toBe("A teacher, for questions no tutor should answer");
    expect(workflow.toMermaid()).toContain('teacher("teacher (human)")');
  });
});
