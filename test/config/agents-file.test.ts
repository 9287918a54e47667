// agents.yaml: the default roster is the seed's, and every mistake names the file and the offending entry.

import { describe, expect, it } from "vitest";
import { buildWorkflow, loadRoster, parseRoster, presentations } from "../../src/config/agents-file.js";
import { UserError } from "../../src/workflow/errors.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const AGENTS = new URL("../../agents.yaml", import.meta.url).pathname;
const minimal = (extra = "") => `start: a\nagents:\n  - name: a\n    description: d\n    instructions: i\n${extra}`;

describe("agents file", () => {
  it("the default file is the seed's three agents, instructions and graph", () => {
    const roster = loadRoster(AGENTS);
    expect(roster.agents.map((a) => a.name)).toEqual(["triage_agent", "math_tutor", "history_tutor"]);
    expect(roster.agents[0]!.instructions).toBe("You determine which agent to use based on the user's homework question. ALWAYS handoff to another agent.");
    const workflow = buildWorkflow(roster, new ScriptedChatClient(), AGENTS);
    expect(workflow.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      "triage_agent>math_tutor",
      "triage_agent>history_tutor",
      "math_tutor>triage_agent",
      "history_tutor>triage_agent",
    ]);
    expect(workflow.options).toMatchObject({ maxHandoffs: 5, returnToPrevious: false, toolCallFiltering: "handoffOnly" });
    expect(presentations(workflow).get("math_tutor")).toMatchObject({ displayName: "Math Tutor", emoji: ":triangular_ruler:" });
  });

  it.each([
    ["an unknown handoff target", minimal("handoffs:\n  - from: a\n    to: [b]\n"), "x.yaml: handoffs[0].to[0]: unknown agent 'b' (agents are: a)."],
    ["an unknown start agent", minimal().replace("start: a", "start: z"), "x.yaml: start: unknown agent 'z' (agents are: a)."],
    ["a duplicate agent", minimal("  - name: a\n    description: d\n    instructions: i\n"), "x.yaml: agents[1].name: 'a' is declared twice."],
    ["a missing field", "start: a\nagents:\n  - name: a\n    description: d\n", "x.yaml: agents[0].instructions:"],
    ["an unknown field", minimal("    colour: red\n"), "x.yaml: agents[0]:"],
    ["a bad emoji", minimal("    emoji: books\n"), "x.yaml: agents[0].emoji: a Slack emoji code like :books:"],
    ["an invalid name", minimal().replace(/a\n/g, "a b\n"), "x.yaml: start:"],
    ["broken YAML", "start: [a\n", "x.yaml: invalid YAML"],
    [
      "an unreachable agent",
      minimal("  - name: b\n    description: d\n    instructions: i\n  - name: c\n    description: d\n    instructions: i\nhandoffs:\n  - from: a\n    to: b\n"),
      "x.yaml: Agent 'c' cannot be reached from the start agent 'a'.",
    ],
  ])("rejects %s with the file and entry", (_what, text, message) => {
    const attempt = () => buildWorkflow(parseRoster(text, "x.yaml"), new ScriptedChatClient(), "x.yaml");
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
  });

  it("reads options into the workflow", () => {
    const text = minimal("  - name: b\n    description: d\n    instructions: i\nhandoffs:\n  - from: a\n    to: b\n    reason: r\noptions:\n  returnToPrevious: true\n  maxHandoffs: 2\n  toolCallFiltering: all\n  handoffInstructions: Hand off wisely.\n");
    const workflow = buildWorkflow(parseRoster(text), new ScriptedChatClient());
    expect(workflow.options).toMatchObject({ returnToPrevious: true, maxHandoffs: 2, toolCallFiltering: "all", handoffInstructions: "Hand off wisely." });
    expect(workflow.edges).toEqual([{ from: "a", to: "b", reason: "r" }]);
  });

  it("says which file could not be read", () => {
    expect(() => loadRoster("/nonexistent/agents.yaml")).toThrow(/Cannot read the agents file \/nonexistent\/agents.yaml/);
  });
});
