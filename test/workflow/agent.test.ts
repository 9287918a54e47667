// ChatClientAgent's two constructors: the seed's positional one and the options object, both usable in a workflow.

import { describe, expect, it } from "vitest";
import { AgentWorkflowBuilder, ChatClientAgent, ChatMessage, InProcessExecution, type FunctionTool } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const echo: FunctionTool = { name: "echo", description: "Echoes", parameters: { type: "object", properties: {} }, invoke: () => "echoed" };

describe("ChatClientAgent", () => {
  it("takes the seed's positional form: client, instructions, name, description, then presentation and tools", () => {
    const client = new ScriptedChatClient();
    const agent = new ChatClientAgent(client, "You provide help with math problems.", "math_tutor", "Specialist agent for math questions", {
      displayName: "Math Tutor",
      emoji: "🧮",
      tools: [echo],
    });
    expect(agent).toMatchObject({
      client,
      name: "math_tutor",
      instructions: "You provide help with math problems.",
      description: "Specialist agent for math questions",
      displayName: "Math Tutor",
      emoji: "🧮",
    });
    expect(agent.tools.map((tool) => tool.name)).toEqual(["echo"]);
  });

  it("takes one options object with the client inside, the same agent as the positional form", () => {
    const client = new ScriptedChatClient();
    const fromObject = new ChatClientAgent({
      client,
      name: "history_tutor",
      instructions: "You provide assistance with historical queries.",
      description: "Specialist agent for historical questions",
      avatarUrl: "https://example.org/h.png",
    });
    const positional = new ChatClientAgent(client, "You provide assistance with historical queries.", "history_tutor",
      "Specialist agent for historical questions", { avatarUrl: "https://example.org/h.png" });
    expect({ ...fromObject }).toEqual({ ...positional });
    expect(fromObject.displayName).toBe("history_tutor");
    expect(fromObject.tools).toEqual([]);
  });

  it("keeps the client-then-options form", () => {
    const client = new ScriptedChatClient();
    const agent = new ChatClientAgent(client, { name: "triage_agent", instructions: "Route.", description: "Routes" });
    expect(agent.client).toBe(client);
    expect([agent.name, agent.instructions, agent.description]).toEqual(["triage_agent", "Route.", "Routes"]);
  });

  it("runs a handoff between agents made with the options object", async () => {
    const client = new ScriptedChatClient([
      { text: "Math.", toolCalls: [{ name: "handoff_to_math_tutor", arguments: "{}" }] },
      { text: "2x." },
    ]);
    const triage = new ChatClientAgent({ client, name: "triage_agent", instructions: "You route questions." });
    const math = new ChatClientAgent({ client, name: "math_tutor", instructions: "You help with math.", description: "Math help" });
    const workflow = AgentWorkflowBuilder.startHandoffWith(triage).withHandoff(triage, math).build();
    const { result } = await InProcessExecution.run(workflow, [new ChatMessage("user", "d/dx x^2?")]);
    const spoken = result.messages.filter((m) => m.role === "assistant" && m.text !== "");
    expect(spoken.map((m) => [m.authorName, m.text])).toEqual([["triage_agent", "Math."], ["math_tutor", "2x."]]);
    expect(client.askedAgents[1]).toContain("You help with math.");
    expect(workflow.plan("triage_agent")?.tools[0]?.description).toContain("Math help");
  });

  it("refuses the positional form without instructions", () => {
    const client = new ScriptedChatClient();
    const construct = ChatClientAgent as unknown as new (client: ScriptedChatClient) => ChatClientAgent;
    expect(() => new construct(client)).toThrow(/needs the instructions and name/);
  });
});
