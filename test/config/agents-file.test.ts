// agents.yaml: the default roster is the seed's, and every mistake names the file and the offending entry.

import { describe, expect, it } from "vitest";
import { presentations } from "../../src/app/agent-presentations.js";
import { buildWorkflow } from "../../src/app/workflow-from-roster.js";
import { loadRoster, parseRoster } from "../../src/config/agents-file.js";
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
      "triage_agent>teacher",
      "math_tutor>triage_agent",
      "history_tutor>triage_agent",
    ]);
    expect(workflow.options).toMatchObject({ maxHandoffs: 5, returnToPrevious: false, toolCallFiltering: "handoffOnly" });
    expect(presentations(workflow).get("math_tutor")).toMatchObject({ displayName: "Math Tutor", emoji: ":triangular_ruler:" });
  });

  it.each([
    ["an unknown handoff target", minimal("handoffs:\n  - from: a\n    to: [b]\n"), "x.yaml:8: handoffs[0].to[0]: unknown agent 'b' (agents are: a)."],
    ["an unknown start agent", minimal().replace("start: a", "start: z"), "x.yaml:1: start: unknown agent 'z' (agents are: a)."],
    ["a duplicate agent", minimal("  - name: a\n    description: d\n    instructions: i\n"), "x.yaml:6: agents[1].name: 'a' is declared twice."],
    ["a missing field", "start: a\nagents:\n  - name: a\n    description: d\n", "x.yaml:3: agents[0].instructions:"],
    ["an unknown field", minimal("    colour: red\n"), "x.yaml:3: agents[0]:"],
    ["a bad emoji", minimal("    emoji: books\n"), "x.yaml:6: agents[0].emoji: a Slack emoji code like :books:"],
    ["an invalid name", minimal().replace(/a\n/g, "a b\n"), "x.yaml:1: start:"],
    ["an unknown policy", minimal("    policy: strict\n"), "x.yaml:6: agents[0].policy:"],
    ["an unknown policy name under policies", minimal("policies:\n  lenient: Be kind.\n"), "x.yaml:7: policies:"],
    [
      "a channel starting at an unknown agent",
      minimal("channels:\n  \"123456789012345678\": { policy: direct }\n  C0123456789:\n    start: math\n"),
      "x.yaml:9: channels.C0123456789.start: unknown agent 'math' (agents are: a).",
    ],
    ["a channel id that is neither Discord's nor Slack's", minimal("channels:\n  math-help: { start: a }\n"), "x.yaml:7: channels.math-help: a Discord channel id"],
    ["a channel override with nothing in it", minimal("channels:\n  C0123456789: {}\n"), "x.yaml:7: channels.C0123456789: give a policy, a start agent, or both"],
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

  it("the default file offers triage the teacher, a human, for what no tutor should answer", () => {
    const workflow = buildWorkflow(loadRoster(AGENTS), new ScriptedChatClient(), AGENTS);
    const teacher = workflow.human("teacher")!;
    expect(teacher.displayName).toBe("Teacher");
    expect(teacher.description).toMatch(/grades/);
    expect(teacher.description).toMatch(/personal/);
    const triage = workflow.plan("triage_agent")!;
    expect(triage.tools.find((t) => t.name === "handoff_to_teacher")?.description).toBe(teacher.description);
    expect(presentations(workflow).get("teacher")).toEqual({ name: "teacher", displayName: "Teacher" });
  });

  const withHuman = (extra: string) => minimal(`humans:\n  - name: teacher\n    description: A grown-up.\n${extra}`);

  it.each([
    ["a human handing off", withHuman("handoffs:\n  - from: teacher\n    to: a\n"), "x.yaml:10: handoffs[0].from: 'teacher' is a human; a handoff's from must be an agent"],
    ["a human as the start", withHuman("").replace("start: a", "start: teacher"), "x.yaml:1: start: 'teacher' is a human; the start must be an agent"],
    ["a human named like an agent", minimal("humans:\n  - name: a\n    description: d\n"), "x.yaml:7: humans[0].name: 'a' is declared twice."],
    ["a human without a description", minimal("humans:\n  - name: t\n"), "x.yaml:7: humans[0].description:"],
    ["an unknown field on a human", withHuman("    phone: 123\n"), "x.yaml:7: humans[0]: Unrecognized key: \"phone\""],
    [
      "an unknown target when humans exist",
      withHuman("handoffs:\n  - from: a\n    to: [b]\n"),
      "x.yaml:11: handoffs[0].to[0]: unknown agent or human 'b' (agents are: a; humans are: teacher).",
    ],
    ["a channel starting at a human", withHuman("channels:\n  C0123456789: { start: teacher }\n"), "x.yaml:10: channels.C0123456789.start: 'teacher' is a human"],
  ])("rejects %s with the file and line", (_what, text, message) => {
    const attempt = () => buildWorkflow(parseRoster(text, "x.yaml"), new ScriptedChatClient(), "x.yaml");
    expect(attempt).toThrow(UserError);
    expect(attempt).toThrow(message);
  });

  it("keeps an unquoted Discord channel id exactly (a YAML integer beyond 2^53 would be rounded)", () => {
    const roster = parseRoster(minimal("channels:\n  123456789012345678: { start: a }\n  C0123456789: { policy: direct }\n"));
    expect(Object.keys(roster.channels)).toEqual(["123456789012345678", "C0123456789"]);
  });

  it("says which file could not be read", () => {
    expect(() => loadRoster("/nonexistent/agents.yaml")).toThrow(/Cannot read the agents file \/nonexistent\/agents.yaml/);
  });
});
