// Each built workflow owns what it derives from its graph: two workflows sharing agents never see each other's options.

import { describe, expect, it } from "vitest";
import { AgentWorkflowBuilder, ChatClientAgent, ChatMessage, InProcessExecution } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const sys = (request: { messages: readonly { role: string; content: unknown }[] }): string =>
  request.messages[0]?.role === "system" ? String(request.messages[0].content) : "";

describe("a workflow's plan", () => {
  it("sends each workflow's own handoff instructions to an agent the two share", async () => {
    const client = new ScriptedChatClient(() => ({ text: "An answer." }));
    const triage = new ChatClientAgent(client, "You route questions.", "triage_agent", "Routes");
    const math = new ChatClientAgent(client, "You teach math.", "math_tutor", "Math");
    const first = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, math).withHandoffInstructions("FIRST rules.").build();
    const second = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, math).withHandoffInstructions("SECOND rules.").build();
    await InProcessExecution.run(first, [new ChatMessage("user", "Hi")]);
    await InProcessExecution.run(second, [new ChatMessage("user", "Hi")]);
    expect(sys(client.requests[0]!)).toBe("You route questions.\n\nFIRST rules.");
    expect(sys(client.requests[1]!)).toBe("You route questions.\n\nSECOND rules.");
  });

  it("offers a shared agent only the handoffs of the workflow it runs in", async () => {
    const client = new ScriptedChatClient(() => ({ text: "An answer." }));
    const triage = new ChatClientAgent(client, "You route questions.", "triage_agent", "Routes");
    const math = new ChatClientAgent(client, "You teach math.", "math_tutor", "Math");
    const history = new ChatClientAgent(client, "You teach history.", "history_tutor", "History");
    const toMath = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, math).build();
    const toBoth = AgentWorkflowBuilder.createHandoffBuilderWith(triage).withHandoff(triage, [math, history]).build();
    const alone = AgentWorkflowBuilder.createHandoffBuilderWith(triage).build();
    for (const workflow of [toMath, toBoth, alone]) await InProcessExecution.run(workflow, [new ChatMessage("user", "Hi")]);
    expect(client.requests.map((r) => r.tools.map((t) => t.name))).toEqual([
      ["handoff_to_math_tutor"],
      ["handoff_to_math_tutor", "handoff_to_history_tutor"],
      [],
    ]);
    // Without handoffs the handoff instructions are not sent.
    expect(sys(client.requests[2]!)).toBe("You route questions.");
  });
});
