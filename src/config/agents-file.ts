// Loads and validates agents.yaml (the roster, the start agent, the handoff edges, options) and builds the workflow.

import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { z } from "zod";
import type { AgentPresentation } from "../bot/ports.js";
import { ChatClientAgent } from "../workflow/agent.js";
import { AgentWorkflowBuilder } from "../workflow/builder.js";
import type { ChatClient } from "../workflow/chat-client.js";
import { UserError } from "../workflow/errors.js";
import type { StopTexts, Workflow } from "../workflow/workflow.js";
import { SafetyPolicySchema } from "./safety-policy.js";

const name = z.string().regex(/^[A-Za-z0-9_-]{1,53}$/, "use 1-53 letters, digits, '_' or '-'");

const AgentSchema = z.strictObject({
  name,
  displayName: z.string().trim().min(1).max(80).optional(),
  emoji: z.string().regex(/^:[a-z0-9_+-]+:$/, "a Slack emoji code like :books:").optional(),
  avatarUrl: z.url({ protocol: /^https?$/ }).optional(),
  description: z.string().trim().min(1),
  instructions: z.string().trim().min(1),
});

const RosterSchema = z.strictObject({
  start: name,
  agents: z.array(AgentSchema).min(1),
  handoffs: z
    .array(
      z.strictObject({
        from: name,
        to: z.union([name, z.array(name).min(1)]),
        reason: z.string().trim().min(1).optional(),
      }),
    )
    .default([]),
  options: z
    .strictObject({
      returnToPrevious: z.boolean().default(false),
      maxHandoffs: z.number().int().min(0).max(50).default(5),
      toolCallFiltering: z.enum(["handoffOnly", "all", "none"]).default("handoffOnly"),
      handoffInstructions: z.string().trim().min(1).optional(),
    })
    .default({ returnToPrevious: false, maxHandoffs: 5, toolCallFiltering: "handoffOnly" }),
  safety: SafetyPolicySchema.optional(),
});

export type Roster = z.infer<typeof RosterSchema>;

/** Reads and validates a roster file; every mistake is reported with the file and the offending entry. */
export function loadRoster(path: string): Roster {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`Cannot read the agents file ${path}: ${(error as Error).message}`, { code: "configuration", cause: error });
  }
  return parseRoster(text, path);
}

export function parseRoster(text: string, path = "agents.yaml"): Roster {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new UserError(`${path}: invalid YAML: ${document.errors[0]!.message}`, { code: "configuration" });
  }
  const parsed = RosterSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${path}: ${formatPath(issue.path)}: ${issue.message}`);
    throw new UserError(problems.join("\n"), { code: "configuration" });
  }
  const roster = parsed.data;
  const known = new Set<string>();
  roster.agents.forEach((agent, i) => {
    if (known.has(agent.name)) throw new UserError(`${path}: agents[${i}].name: '${agent.name}' is declared twice.`, { code: "configuration" });
    known.add(agent.name);
  });
  const unknown = (where: string, agent: string): UserError =>
    new UserError(`${path}: ${where}: unknown agent '${agent}' (agents are: ${[...known].join(", ")}).`, { code: "configuration" });
  if (!known.has(roster.start)) throw unknown("start", roster.start);
  roster.handoffs.forEach((edge, i) => {
    if (!known.has(edge.from)) throw unknown(`handoffs[${i}].from`, edge.from);
    const targets = Array.isArray(edge.to) ? edge.to : [edge.to];
    targets.forEach((to, j) => {
      if (!known.has(to)) throw unknown(Array.isArray(edge.to) ? `handoffs[${i}].to[${j}]` : `handoffs[${i}].to`, to);
    });
  });
  return roster;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "") || "(top level)";
}

/** Builds the handoff workflow the roster describes; the graph checks (reachability…) name the file too. */
export function buildWorkflow(
  roster: Roster,
  client: ChatClient,
  path = "agents.yaml",
  options: { readonly stopTexts?: Partial<StopTexts>; readonly traceContent?: boolean } = {},
): Workflow {
  const agents = new Map(
    roster.agents.map((a) => [
      a.name,
      new ChatClientAgent(client, {
        name: a.name,
        instructions: a.instructions,
        description: a.description,
        ...(a.displayName !== undefined ? { displayName: a.displayName } : {}),
        ...(a.avatarUrl !== undefined ? { avatarUrl: a.avatarUrl } : {}),
        ...(a.emoji !== undefined ? { emoji: a.emoji } : {}),
      }),
    ]),
  );
  const builder = AgentWorkflowBuilder.startHandoffWith(agents.get(roster.start)!).addAgents(...agents.values());
  for (const edge of roster.handoffs) {
    const targets = (Array.isArray(edge.to) ? edge.to : [edge.to]).map((to) => agents.get(to)!);
    builder.withHandoff(agents.get(edge.from)!, targets, edge.reason);
  }
  builder.withMaxHandoffs(roster.options.maxHandoffs).withToolCallFiltering(roster.options.toolCallFiltering);
  if (roster.options.returnToPrevious) builder.enableReturnToPrevious();
  if (options.stopTexts !== undefined) builder.withStopTexts(options.stopTexts);
  if (options.traceContent === true) builder.withTraceContent();
  if (roster.options.handoffInstructions !== undefined) builder.withHandoffInstructions(roster.options.handoffInstructions);
  try {
    return builder.build();
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${path}: ${error.message}`, { code: "configuration", cause: error });
    throw error;
  }
}

export function presentations(workflow: Workflow): ReadonlyMap<string, AgentPresentation> {
  return new Map(
    [...workflow.agents.values()].map((a) => [
      a.name,
      {
        name: a.name,
        displayName: a.displayName,
        ...(a.emoji !== undefined ? { emoji: a.emoji } : {}),
        ...(a.avatarUrl !== undefined ? { avatarUrl: a.avatarUrl } : {}),
      },
    ]),
  );
}
