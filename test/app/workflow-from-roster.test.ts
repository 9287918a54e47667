// The workflow an agents file's roster makes: humans as targets, options, tutoring policies, one workflow per channel override.

import { describe, expect, it } from "vitest";
import { buildRosterWorkflows } from "../../src/app/roster-workflows.js";
import { buildWorkflow } from "../../src/app/workflow-from-roster.js";
import { parseRoster } from "../../src/config/agents-file.js";
import { TUTORING_POLICY_TEXTS } from "../../src/config/tutoring-policy.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { InProcessExecution } from "../../src/workflow/execution.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const minimal = (extra = "") => `start: a\nagents:\n  - name: a\n    description: d\n    instructions: i\n${extra}`;
const withHuman = (extra: string) => minimal(`humans:\n  - name: teacher\n    description: A grown-up.\n${extra}`);

describe("workflow from roster", () => {
  it("declares humans as handoff targets, with or without declared handoffs", () => {
    const declared = buildWorkflow(parseRoster(withHuman("handoffs:\n  - from: a\n    to: teacher\n    reason: grades\n")), new ScriptedChatClient());
    expect(declared.edges).toEqual([{ from: "a", to: "teacher", reason: "grades" }]);
    expect(declared.human("teacher")).toMatchObject({ name: "teacher", description: "A grown-up.", displayName: "teacher" });
    const everyone = buildWorkflow(parseRoster(withHuman("")), new ScriptedChatClient());
    expect(everyone.edges).toEqual([{ from: "a", to: "teacher" }]);
  });

  it("reads options into the workflow", () => {
    const text = minimal("  - name: b\n    description: d\n    instructions: i\nhandoffs:\n  - from: a\n    to: b\n    reason: r\noptions:\n  returnToPrevious: true\n  maxHandoffs: 2\n  toolCallFiltering: all\n  handoffInstructions: Hand off wisely.\n");
    const workflow = buildWorkflow(parseRoster(text), new ScriptedChatClient());
    expect(workflow.options).toMatchObject({ returnToPrevious: true, maxHandoffs: 2, toolCallFiltering: "all", handoffInstructions: "Hand off wisely." });
    expect(workflow.edges).toEqual([{ from: "a", to: "b", reason: "r" }]);
  });

  it("reads options.autonomous into the framework's autonomous mode, for the listed agents only; off when absent", async () => {
    const two = "  - name: b\n    description: d\n    instructions: i\nhandoffs:\n  - from: a\n    to: b\n";
    const text = minimal(`${two}options:\n  autonomous:\n    turnLimit: 2\n    continuationPrompt: Keep going.\n    agents: [a]\n`);
    const client = new ScriptedChatClient(() => ({ text: "Step done." }));
    const workflow = buildWorkflow(parseRoster(text), client);
    expect(workflow.plan("a")!.autonomous).toMatchObject({ turnLimit: 2, continuationPrompt: "Keep going." });
    expect(workflow.plan("b")!.autonomous).toBeUndefined();
    await InProcessExecution.run(workflow, [new ChatMessage("user", "Solve it.")]);
    expect(client.requests).toHaveLength(3);
    expect(client.requests.at(-1)!.messages.at(-1)).toEqual({ role: "user", content: "Keep going." });
    expect(buildWorkflow(parseRoster(minimal(two)), client).plan("a")!.autonomous).toBeUndefined();
    expect(() => parseRoster(minimal(`options:\n  autonomous:\n    agents: [nobody]\n`))).toThrow(/options\.autonomous\.agents\[0\].*unknown agent 'nobody'/);
  });

  it("gives the start agent the direct policy and every other agent the socratic one, unless an agent names its own", () => {
    const text = minimal("  - name: b\n    description: d\n    instructions: i\n  - name: c\n    description: d\n    instructions: i\n    policy: direct\n");
    const workflow = buildWorkflow(parseRoster(text), new ScriptedChatClient());
    const instructions = (agent: string) => workflow.agents.get(agent)!.instructions;
    expect(instructions("a")).toBe(`i\n\n${TUTORING_POLICY_TEXTS.direct}`);
    expect(instructions("b")).toBe(`i\n\n${TUTORING_POLICY_TEXTS.socratic}`);
    expect(instructions("c")).toBe(`i\n\n${TUTORING_POLICY_TEXTS.direct}`);
  });

  it("builds one workflow per distinct channel override, once; a channel's start agent takes only the agents it reaches", () => {
    const text = minimal(
      "  - name: b\n    description: d\n    instructions: i\nhandoffs:\n  - from: a\n    to: b\n" +
        "channels:\n  C0000000001: { start: b }\n  C0000000002: { start: b }\n  C0000000003: { policy: direct }\n",
    );
    const { workflow, byChannel } = buildRosterWorkflows(parseRoster(text), new ScriptedChatClient());
    expect(byChannel.get("C0000000001")).toBe(byChannel.get("C0000000002"));
    expect(byChannel.get("C0000000001")!.startAgent.name).toBe("b");
    expect([...byChannel.get("C0000000001")!.agents.keys()]).toEqual(["b"]);
    expect(byChannel.get("C0000000003")!.agents.get("b")!.instructions).toContain(TUTORING_POLICY_TEXTS.direct);
    expect(workflow.agents.get("b")!.instructions).toContain(TUTORING_POLICY_TEXTS.socratic);
    expect(byChannel.has("C0000000004")).toBe(false);
  });

});
