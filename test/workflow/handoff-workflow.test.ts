// The engine's contract (DESIGN.md "Engine semantics"), one rule per test, with a scripted in-process model.

import { describe, expect, it } from "vitest";
import {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  ChatClientAgent,
  ChatMessage,
  HandoffEvent,
  InProcessExecution,
  TurnToken,
  DEFAULT_STOP_TEXTS,
  WorkflowCompletedEvent,
  WorkflowErrorEvent,
  WorkflowWarningEvent,
  ToolResultEvent,
  AgentWorkflowBuilder,
  ModelError,
  type WorkflowEvent,
} from "../../src/workflow/index.js";
import { contentText, type ChatRequest } from "../../src/workflow/chat-client.js";
import { ScriptedChatClient, type ScriptedReply } from "../support/scripted-chat-client.js";
import { agentOf, seedAgents, seedBuilder } from "./seed-workflow.js";

async function collect(workflow: ReturnType<ReturnType<typeof seedBuilder>["build"]>, messages: ChatMessage[], options = {}) {
  const run = await InProcessExecution.stream(workflow, messages, options);
  const events: WorkflowEvent[] = [];
  for await (const evt of run.watchStream()) events.push(evt);
  return { events, result: await run.completed };
}

const lastUser = (r: ChatRequest) => contentText([...r.messages].reverse().find((m) => m.role === "user")?.content ?? "");
const sysOf = (r: ChatRequest) => (r.messages[0]?.role === "system" ? r.messages[0].content : "");

/** A router like the seed's sample: triage narrates and hands off; tutors answer. */
function seedRouter(request: ChatRequest): ScriptedReply {
  const who = agentOf(sysOf(request));
  const question = lastUser(request);
  if (who === "triage_agent") {
    const math = /derivative|integration|x\^2/i.test(question);
    return {
      text: math ? "This is a math question. I'll hand this off to the math tutor." : "This is a history question. I'll hand this off to the history tutor.",
      toolCalls: [{ name: math ? "handoff_to_math_tutor" : "handoff_to_history_tutor", arguments: '{"reason":"subject"}' }],
    };
  }
  return { text: `${who} answers: ${question}` };
}

describe("handoff workflow", () => {
  it("offers one handoff_to_<target> function per declared edge, described by the reason or the target's description", async () => {
    const client = new ScriptedChatClient([{ toolCalls: [{ name: "handoff_to_math_tutor" }] }, { text: "2x" }]);
    const { historyTutor, mathTutor, triageAgent } = seedAgents(client);
    const workflow = AgentWorkflowBuilder.startHandoffWith(triageAgent)
      .withHandoff(triageAgent, mathTutor, "Math homework of any kind")
      .withHandoff(triageAgent, historyTutor)
      .withHandoff(mathTutor, triageAgent)
      .withHandoff(historyTutor, triageAgent)
      .build();
    await collect(workflow, [new ChatMessage("user", "What is the derivative of x^2?")]);
    const [triageCall, mathCall] = client.requests;
    expect(triageCall!.tools.map((t) => [t.name, t.description])).toEqual([
      ["handoff_to_math_tutor", "Math homework of any kind"],
      ["handoff_to_history_tutor", "Specialist agent for historical questions"],
    ]);
    expect(triageCall!.tools[0]!.parameters).toMatchObject({ type: "object", properties: { reason: { type: "string" } }, required: [] });
    expect(mathCall!.tools.map((t) => t.name)).toEqual(["handoff_to_triage_agent"]);
  });

  it("offers an agent's own function tools after its handoffs and feeds their results back to it", async () => {
    const client = new ScriptedChatClient([
      { toolCalls: [{ name: "calculator", arguments: '{"expression":"6*7"}' }] },
      { text: "It is 42." },
    ]);
    const calc = new ChatClientAgent(client, "You compute.", "calc_agent", "Computes", {
      tools: [{ name: "calculator", description: "Evaluates", parameters: { type: "object", properties: {} }, invoke: () => "42" }],
    });
    const workflow = AgentWorkflowBuilder.startHandoffWith(calc).build();
    const { result } = await collect(workflow, [new ChatMessage("user", "6*7?")]);
    expect(client.requests[0]!.tools.map((t) => t.name)).toEqual(["calculator"]);
    const second = client.requests[1]!.messages;
    expect(second.at(-1)).toMatchObject({ role: "tool", content: "42" });
    expect(result.messages.map((m) => [m.role, m.text])).toEqual([["assistant", ""], ["tool", "42"], ["assistant", "It is 42."]]);
  });

  it("keeps the text of a response that also hands off as that agent's message, then runs the target", async () => {
    const workflow = seedBuilder(new ScriptedChatClient(seedRouter)).build();
    const { events, result } = await collect(workflow, [new ChatMessage("user", "What is the derivative of x^2?")]);
    const said = result.messages.filter((m) => m.role === "assistant" && m.text !== "").map((m) => [m.authorName, m.text]);
    expect(said).toEqual([
      ["triage_agent", "This is a math question. I'll hand this off to the math tutor."],
      ["math_tutor", "math_tutor answers: What is the derivative of x^2?"],
    ]);
    const handoff = events.find((e): e is HandoffEvent => e instanceof HandoffEvent);
    expect([handoff?.from, handoff?.to, handoff?.reason]).toEqual(["triage_agent", "math_tutor", "subject"]);
  });

  it("answers every tool call: the first valid handoff wins, a second one is ignored", async () => {
    const client = new ScriptedChatClient([
      { toolCalls: [{ name: "handoff_to_history_tutor", id: "a" }, { name: "handoff_to_math_tutor", id: "b" }] },
      { text: "history answer" },
    ]);
    const workflow = seedBuilder(client).build();
    const { result } = await collect(workflow, [new ChatMessage("user", "Who was Caesar?")]);
    const tools = result.messages.filter((m) => m.role === "tool");
    expect(tools.map((t) => t.toolCallId)).toEqual(["a", "b"]);
    expect(tools[1]!.text).toMatch(/^Ignored/);
    expect(result.messages.at(-1)).toMatchObject({ authorName: "history_tutor", text: "history answer" });
  });

  it("refuses an undeclared or unknown target with an error result and lets the same agent try again", async () => {
    const client = new ScriptedChatClient([
      { toolCalls: [{ name: "handoff_to_physics_tutor", id: "x" }] },
      { toolCalls: [{ name: "handoff_to_math_tutor", id: "y" }] },
      { text: "2x" },
    ]);
    const workflow = seedBuilder(client).build();
    const { events, result } = await collect(workflow, [new ChatMessage("user", "derivative of x^2")]);
    expect(client.requests.map((r) => agentOf(sysOf(r)))).toEqual(["triage_agent", "triage_agent", "math_tutor"]);
    // The retry sees its refused call and the error, so it can correct itself.
    const retry = client.requests[1]!.messages;
    expect(retry.at(-2)).toMatchObject({ role: "assistant", toolCalls: [{ id: "x" }] });
    expect(retry.at(-1)).toMatchObject({ role: "tool", toolCallId: "x" });
    expect((retry.at(-1) as { content: string }).content).toMatch(/not an agent you can hand off to.*handoff_to_math_tutor/);
    expect(events.some((e) => e instanceof WorkflowWarningEvent && e.code === "invalid_handoff")).toBe(true);
    expect(result.activeAgent).toBe("math_tutor");
  });

  it("never hands off along an edge that was not declared, whatever the model asks", async () => {
    // math_tutor may only go back to triage; it asks for history_tutor directly.
    const client = new ScriptedChatClient([
      { toolCalls: [{ name: "handoff_to_math_tutor" }] },
      { toolCalls: [{ name: "handoff_to_history_tutor" }] },
      { text: "I can only help with math." },
    ]);
    const { result, events } = await collect(seedBuilder(client).build(), [new ChatMessage("user", "x")]);
    expect(events.filter((e) => e instanceof HandoffEvent).map((e) => (e as HandoffEvent).to)).toEqual(["math_tutor"]);
    expect(result.messages.at(-1)?.authorName).toBe("math_tutor");
  });

  it("ends the turn with a warning and a short message past the handoff cap", async () => {
    // triage and math bounce forever.
    const client = new ScriptedChatClient((request) =>
      agentOf(sysOf(request)) === "triage_agent" ? { toolCalls: [{ name: "handoff_to_math_tutor" }] } : { toolCalls: [{ name: "handoff_to_triage_agent" }] },
    );
    const workflow = seedBuilder(client).withMaxHandoffs(3).build();
    const { events, result } = await collect(workflow, [new ChatMessage("user", "loop")]);
    expect(events.filter((e) => e instanceof HandoffEvent)).toHaveLength(3);
    expect(events.some((e) => e instanceof WorkflowWarningEvent && e.code === "max_handoffs_exceeded")).toBe(true);
    expect(result.messages.at(-1)?.text).toBe(DEFAULT_STOP_TEXTS.maxHandoffs);
    expect(events.at(-1)).toBeInstanceOf(WorkflowCompletedEvent);
    expect(client.requests).toHaveLength(4);
  });

  it("counts refused handoff attempts against the cap", async () => {
    const client = new ScriptedChatClient(() => ({ toolCalls: [{ name: "handoff_to_nobody" }] }));
    const { result } = await collect(seedBuilder(client).withMaxHandoffs(2).build(), [new ChatMessage("user", "?")]);
    expect(client.requests).toHaveLength(3);
    expect(result.messages.at(-1)?.text).toBe(DEFAULT_STOP_TEXTS.maxHandoffs);
  });

  it("sends the next user message to the start agent by default", async () => {
    const client = new ScriptedChatClient(seedRouter);
    const workflow = seedBuilder(client).build();
    const messages = [new ChatMessage("user", "What is the derivative of x^2?")];
    const first = await collect(workflow, messages);
    expect(first.result.activeAgent).toBe("math_tutor");
    messages.push(...first.result.messages, new ChatMessage("user", "Tell me about World War 2"));
    client.requests.length = 0;
    await collect(workflow, messages);
    expect(agentOf(sysOf(client.requests[0]!))).toBe("triage_agent");
  });

  it("with enableReturnToPrevious sends the next message to the agent that answered last (given or derived)", async () => {
    const client = new ScriptedChatClient(seedRouter);
    const workflow = seedBuilder(client).enableReturnToPrevious().build();
    const messages = [new ChatMessage("user", "What is the derivative of x^2?")];
    const first = await collect(workflow, messages);
    messages.push(...first.result.messages, new ChatMessage("user", "And of x^3?"));
    client.requests.length = 0;
    await collect(workflow, messages);
    expect(agentOf(sysOf(client.requests[0]!))).toBe("math_tutor");
    client.requests.length = 0;
    await collect(workflow, messages, { activeAgent: "history_tutor" });
    expect(agentOf(sysOf(client.requests[0]!))).toBe("history_tutor");
  });

  it("shows the receiving agent the whole conversation without handoff calls, other agents' words attributed", async () => {
    const client = new ScriptedChatClient(seedRouter);
    const { result } = await collect(seedBuilder(client).build(), [new ChatMessage("user", "What is the derivative of x^2?", { authorName: "Ada L." })]);
    const seen = client.requests[1]!.messages;
    expect(seen.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
    expect(seen[1]).toMatchObject({ role: "user", name: "Ada_L" });
    expect(seen[2]).toMatchObject({ role: "assistant", name: "triage_agent", content: "This is a math question. I'll hand this off to the math tutor." });
    expect(seen[2]).not.toHaveProperty("toolCalls");
    // the stored turn keeps the calls and their results: nothing is lost, filtering is a view
    expect(result.messages.some((m) => m.role === "tool")).toBe(true);
  });

  it("withToolCallFiltering('none') shows handoff calls and their results; 'all' hides own tool calls too", async () => {
    const none = new ScriptedChatClient(seedRouter);
    await collect(seedBuilder(none).withToolCallFiltering("none").build(), [new ChatMessage("user", "derivative of x^2")]);
    expect(none.requests[1]!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool"]);

    const history = [
      new ChatMessage("user", "q"),
      new ChatMessage("assistant", "", { authorName: "math_tutor", toolCalls: [{ id: "t1", name: "calculator", arguments: "{}" }] }),
      new ChatMessage("tool", "42", { authorName: "math_tutor", toolCallId: "t1" }),
      new ChatMessage("assistant", "42", { authorName: "math_tutor" }),
      new ChatMessage("user", "Who was Napoleon?"),
    ];
    const all = new ScriptedChatClient(seedRouter);
    await collect(seedBuilder(all).withToolCallFiltering("all").build(), history);
    expect(all.requests[0]!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    const handoffOnly = new ScriptedChatClient(seedRouter);
    await collect(seedBuilder(handoffOnly).build(), history);
    expect(handoffOnly.requests[0]!.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "assistant", "user"]);
  });

  it("emits update deltas, whole responses with usage, handoffs and a completed event holding the turn's messages", async () => {
    const { events, result } = await collect(seedBuilder(new ScriptedChatClient(seedRouter)).build(), [new ChatMessage("user", "derivative of x^2")]);
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe("agent_run_update");
    expect(kinds.filter((k) => k === "agent_response")).toHaveLength(2);
    expect(kinds.at(-1)).toBe("completed");
    const updates = events.filter((e): e is AgentRunUpdateEvent => e instanceof AgentRunUpdateEvent);
    expect(updates.filter((u) => u.executorId === "math_tutor").map((u) => u.data).join("")).toBe("math_tutor answers: derivative of x^2");
    const response = events.find((e): e is AgentResponseEvent => e instanceof AgentResponseEvent)!;
    expect(response.usage).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15 });
    const completed = events.at(-1) as WorkflowCompletedEvent;
    expect(completed.data).toBe(result.messages);
    expect(completed.data.filter((m) => m.role === "assistant").map((m) => m.authorName)).toEqual(["triage_agent", "math_tutor"]);
    expect(result.usage.totalTokens).toBe(30);
  });

  it("TurnToken(false) suppresses text deltas; InProcessExecution.run asks for whole responses", async () => {
    const client = new ScriptedChatClient(seedRouter);
    const run = await InProcessExecution.stream(seedBuilder(client).build(), [new ChatMessage("user", "derivative of x^2")]);
    expect(await run.trySendMessage(new TurnToken(false))).toBe(true);
    const types: string[] = [];
    for await (const e of run.watchStream()) types.push(e.type);
    expect(types).not.toContain("agent_run_update");
    expect(await run.trySendMessage(new TurnToken(true))).toBe(false);
    const whole = await InProcessExecution.run(seedBuilder(client).build(), [new ChatMessage("user", "World War 2")]);
    expect(whole.result.messages.at(-1)?.authorName).toBe("history_tutor");
  });

  it("ends with WorkflowErrorEvent carrying a typed error after the messages already completed", async () => {
    const client = new ScriptedChatClient([
      { text: "Routing to math.", toolCalls: [{ name: "handoff_to_math_tutor" }] },
      { error: new ModelError("model_unavailable", "down", { status: 503 }) },
    ]);
    const { events, result } = await collect(seedBuilder(client).build(), [new ChatMessage("user", "derivative")]);
    const error = events.at(-1) as WorkflowErrorEvent;
    expect(error).toBeInstanceOf(WorkflowErrorEvent);
    expect(error.data.code).toBe("model_unavailable");
    expect(error.messages.map((m) => m.text)).toContain("Routing to math.");
    expect(result.status).toBe("failed");
    expect(events.some((e) => e instanceof WorkflowCompletedEvent)).toBe(false);
  });

  it("wraps an untyped model failure in a ModelError", async () => {
    const client = new ScriptedChatClient([{ error: new TypeError("socket hang up") }]);
    const { result } = await collect(seedBuilder(client).build(), [new ChatMessage("user", "q")]);
    expect(result.error).toBeInstanceOf(ModelError);
    expect(result.error?.code).toBe("model_unavailable");
  });

  it("is cancelled cleanly by an AbortSignal: an aborted error, completed messages kept", async () => {
    const controller = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = new ScriptedChatClient([{ text: "To math.", toolCalls: [{ name: "handoff_to_math_tutor" }] }, { text: "never", gate }]);
    const run = await InProcessExecution.stream(seedBuilder(client).build(), [new ChatMessage("user", "q")], { signal: controller.signal });
    const events: WorkflowEvent[] = [];
    for await (const e of run.watchStream()) {
      events.push(e);
      if (e instanceof HandoffEvent) {
        controller.abort();
        release();
      }
    }
    const result = await run.completed;
    expect(result.status).toBe("failed");
    expect(result.error?.code).toBe("aborted");
    expect(result.messages.map((m) => m.text)).toEqual(["To math.", "Handed off to math_tutor."]);
  });

  it("stops following handoffs when the termination condition holds", async () => {
    const client = new ScriptedChatClient(seedRouter);
    const workflow = seedBuilder(client).withTerminationCondition(({ turnMessages }) => turnMessages.some((m) => m.role === "assistant")).build();
    const { result } = await collect(workflow, [new ChatMessage("user", "derivative of x^2")]);
    expect(client.requests).toHaveLength(1);
    expect(result.messages.filter((m) => m.role === "assistant")).toHaveLength(1);
    // the handoff call still got its result, so the history stays valid
    expect(result.messages.at(-1)?.role).toBe("tool");
  });

  it("repairs a history with an unanswered tool call (a crash mid-turn) before sending it", async () => {
    const client = new ScriptedChatClient([{ text: "ok" }]);
    const history = [
      new ChatMessage("user", "q"),
      new ChatMessage("assistant", "partial", { authorName: "math_tutor", toolCalls: [{ id: "lost", name: "calculator", arguments: "{}" }] }),
      new ChatMessage("tool", "orphan", { toolCallId: "nobody" }),
      new ChatMessage("user", "again"),
    ];
    await collect(seedBuilder(client).withToolCallFiltering("none").build(), history);
    expect(client.requests[0]!.messages.slice(1)).toEqual([
      { role: "user", content: "q" },
      { role: "assistant", content: "partial", name: "math_tutor" },
      { role: "user", content: "again" },
    ]);
  });

  it("emits each tool result as it is given, in the order of the turn's messages", async () => {
    const { events, result } = await collect(seedBuilder(new ScriptedChatClient(seedRouter)).build(), [new ChatMessage("user", "derivative of x^2")]);
    const ordered = events.filter((e): e is AgentResponseEvent | ToolResultEvent => e instanceof AgentResponseEvent || e instanceof ToolResultEvent).map((e) => e.message);
    expect(ordered).toEqual(result.messages);
  });

  it("resumes an interrupted turn with the given agent, ahead of the start agent", async () => {
    const client = new ScriptedChatClient(seedRouter);
    await collect(seedBuilder(client).build(), [new ChatMessage("user", "Tell me about Rome")], { resumeAgent: "history_tutor" });
    expect(client.requests.map((r) => agentOf(sysOf(r)))).toEqual(["history_tutor"]);
  });
});
