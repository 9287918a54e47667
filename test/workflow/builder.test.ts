// The graph API: build() validation and the Mermaid rendering of the handoff graph.

import { describe, expect, it } from "vitest";
import { AgentWorkflowBuilder, ChatClientAgent, UserError } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";
import { seedAgents, seedBuilder } from "./seed-workflow.js";

const client = new ScriptedChatClient();

describe("AgentWorkflowBuilder", () => {
  it("builds the seed's graph, with createHandoffBuilderWith as the same builder", () => {
    const workflow = seedBuilder(client).build();
    expect(workflow.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      "triage_agent>math_tutor",
      "triage_agent>history_tutor",
      "math_tutor>triage_agent",
      "history_tutor>triage_agent",
    ]);
    const { mathTutor, historyTutor, triageAgent } = seedAgents(client);
    const same = AgentWorkflowBuilder.createHandoffBuilderWith(triageAgent)
      .withHandoffs(triageAgent, [mathTutor, historyTutor])
      .withHandoffs([mathTutor, historyTutor], triageAgent)
      .build();
    expect(same.edges).toEqual(workflow.edges);
  });

  it("rejects an edge naming an unknown agent, naming it", () => {
    const { triageAgent, mathTutor } = seedAgents(client);
    const build = () => AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, mathTutor).withHandoff(mathTutor, "physics_tutor").build();
    expect(build).toThrow(UserError);
    expect(build).toThrow(/unknown agent 'physics_tutor'/);
  });

  it("rejects two different agents with one name", () => {
    const { triageAgent, mathTutor } = seedAgents(client);
    const impostor = new ChatClientAgent(client, "other", "math_tutor");
    expect(() => AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, [mathTutor, impostor]).build()).toThrow(
      /Two different agents are named 'math_tutor'/,
    );
  });

  it("rejects an agent that cannot be reached from the start agent", () => {
    const { triageAgent, mathTutor, historyTutor } = seedAgents(client);
    const build = () => AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, mathTutor).withHandoff(historyTutor, triageAgent).build();
    expect(build).toThrow(/'history_tutor' cannot be reached from the start agent 'triage_agent'/);
  });

  it("rejects self-handoffs, duplicate edges, unusable names and a negative cap", () => {
    const { triageAgent, mathTutor } = seedAgents(client);
    expect(() => AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, triageAgent).build()).toThrow(/itself/);
    expect(() => AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, mathTutor).withHandoff(triageAgent, mathTutor).build()).toThrow(/twice/);
    expect(() => AgentWorkflowBuilder.startHandoffWith(new ChatClientAgent(client, "x", "math tutor")).build()).toThrow(/not usable/);
    expect(() => seedBuilder(client).withMaxHandoffs(-1)).toThrow(UserError);
  });

  it("renders the graph as a Mermaid flowchart", () => {
    const { triageAgent, mathTutor } = seedAgents(client);
    const mermaid = AgentWorkflowBuilder.startHandoffWith(triageAgent).withHandoff(triageAgent, mathTutor, "math | homework").withHandoff(mathTutor, triageAgent).build().toMermaid();
    expect(mermaid.split("\n")).toEqual([
      "flowchart LR",
      "  start((start))",
      '  triage_agent["triage_agent"]',
      '  math_tutor["math_tutor"]',
      "  start --> triage_agent",
      "  triage_agent -->|math ' homework| math_tutor",
      "  math_tutor --> triage_agent",
      "",
    ]);
  });
});
