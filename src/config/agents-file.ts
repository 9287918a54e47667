// Loads and validates agents.yaml: the roster (agents, humans, handoff edges, options, policies, channels), no engine objects.

import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { UserError } from "../workflow/errors.js";
import { SafetyPolicySchema } from "./safety-policy.js";
import { PolicyTextsSchema, TutoringPolicySchema } from "./tutoring-policy.js";

const name = z.string().regex(/^[A-Za-z0-9_-]{1,53}$/, "use 1-53 letters, digits, '_' or '-'");

const AgentSchema = z.strictObject({
  name,
  displayName: z.string().trim().min(1).max(80).optional(),
  emoji: z.string().regex(/^:[a-z0-9_+-]+:$/, "a Slack emoji code like :books:").optional(),
  avatarUrl: z.url({ protocol: /^https?$/ }).optional(),
  description: z.string().trim().min(1),
  instructions: z.string().trim().min(1),
  /** socratic | direct; default: direct for the start (triage) agent, socratic for every other agent (a tutor). */
  policy: TutoringPolicySchema.optional(),
});

/** A person an agent may hand the conversation to ("ask a teacher"): a moderator answers in the thread. */
const HumanSchema = z.strictObject({
  name,
  /** How the person's turns are labelled in transcripts and in the history the model sees; default: the name. */
  displayName: z.string().trim().min(1).max(80).optional(),
  /** Tells the agents when to hand off to this person. */
  description: z.string().trim().min(1),
});

/** A Discord channel id (a snowflake), a Slack channel id, or `console` (the local chat). */
const channelId = z.string().regex(/^(\d{15,21}|[CG][A-Z0-9]{6,}|console)$/, "a Discord channel id (digits), a Slack channel id (C… or G…) or console");

const ChannelSchema = z
  .strictObject({
    /** Replaces every tutor's policy in this channel's conversations. */
    policy: TutoringPolicySchema.optional(),
    /** The agent this channel's conversations start at, instead of the file's `start`. */
    start: name.optional(),
  })
  .refine((c) => c.policy !== undefined || c.start !== undefined, { message: "give a policy, a start agent, or both" });

const RosterSchema = z.strictObject({
  start: name,
  agents: z.array(AgentSchema).min(1),
  /** People the agents may hand the conversation to; a human is a handoff target, never a source or the start. */
  humans: z.array(HumanSchema).default([]),
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
      /** Agents that answer without handing off go on by themselves (the framework's autonomous mode); off when absent. */
      autonomous: z
        .strictObject({
          turnLimit: z.number().int().min(0).max(50).optional(),
          continuationPrompt: z.string().trim().min(1).optional(),
          agents: z.array(name).min(1).optional(),
        })
        .optional(),
    })
    .default({ returnToPrevious: false, maxHandoffs: 5, toolCallFiltering: "handoffOnly" }),
  safety: SafetyPolicySchema.optional(),
  /** Replacement texts of the tutoring policies, by policy name (src/config/tutoring-policy.ts has Baton's). */
  policies: PolicyTextsSchema.default({}),
  /** Per channel: a policy and/or another start agent. */
  channels: z.record(channelId, ChannelSchema).default({}),
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
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (document.errors.length > 0) {
    throw new UserError(`${path}: invalid YAML: ${document.errors[0]!.message}`, { code: "configuration" });
  }
  keepChannelIdsVerbatim(document);
  const where = (at: readonly PropertyKey[]): string => `${path}:${lineOf(document, lines, at)}: ${formatPath(at)}`;
  const parsed = RosterSchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${where(issue.path)}: ${issueMessage(issue)}`);
    throw new UserError(problems.join("\n"), { code: "configuration" });
  }
  const roster = parsed.data;
  const known = new Set<string>();
  roster.agents.forEach((agent, i) => {
    if (known.has(agent.name)) throw new UserError(`${where(["agents", i, "name"])}: '${agent.name}' is declared twice.`, { code: "configuration" });
    known.add(agent.name);
  });
  const humans = new Set<string>();
  roster.humans.forEach((human, i) => {
    if (known.has(human.name) || humans.has(human.name)) {
      throw new UserError(`${where(["humans", i, "name"])}: '${human.name}' is declared twice.`, { code: "configuration" });
    }
    humans.add(human.name);
  });
  const unknown = (at: readonly PropertyKey[], agent: string): UserError =>
    new UserError(`${where(at)}: unknown agent '${agent}' (agents are: ${[...known].join(", ")}).`, { code: "configuration" });
  const notAgent = (at: readonly PropertyKey[], who: string, role: string): UserError =>
    humans.has(who)
      ? new UserError(`${where(at)}: '${who}' is a human; ${role} must be an agent (humans are only handoff targets).`, { code: "configuration" })
      : unknown(at, who);
  if (!known.has(roster.start)) throw notAgent(["start"], roster.start, "the start");
  roster.handoffs.forEach((edge, i) => {
    if (!known.has(edge.from)) throw notAgent(["handoffs", i, "from"], edge.from, "a handoff's from");
    const targets = Array.isArray(edge.to) ? edge.to : [edge.to];
    targets.forEach((to, j) => {
      if (!known.has(to) && !humans.has(to)) {
        const at = Array.isArray(edge.to) ? ["handoffs", i, "to", j] : ["handoffs", i, "to"];
        if (humans.size === 0) throw unknown(at, to);
        throw new UserError(`${where(at)}: unknown agent or human '${to}' (agents are: ${[...known].join(", ")}; humans are: ${[...humans].join(", ")}).`, {
          code: "configuration",
        });
      }
    });
  });
  roster.options.autonomous?.agents?.forEach((agent, i) => {
    if (!known.has(agent)) throw notAgent(["options", "autonomous", "agents", i], agent, "an autonomous agent");
  });
  for (const [channel, override] of Object.entries(roster.channels)) {
    if (override.start !== undefined && !known.has(override.start)) throw notAgent(["channels", channel, "start"], override.start, "a channel's start");
  }
  return roster;
}

/** A record key's own message ("a Discord channel id…") rather than zod's generic "Invalid key in record". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_key" && issue.issues.length > 0) return issue.issues.map((inner) => inner.message).join("; ");
  return issue.message;
}

/**
 * A Discord channel id written without quotes is a YAML integer too large for a JavaScript number: it would be rounded
 * (123456789012345678 → …680). The keys of `channels:` are kept as written instead.
 */
function keepChannelIdsVerbatim(document: Document): void {
  const channels = document.get("channels", true);
  if (!isMap(channels)) return;
  for (const pair of channels.items) {
    if (isScalar(pair.key) && typeof pair.key.value === "number" && pair.key.source !== undefined) pair.key.value = pair.key.source;
  }
}

/** The line of the entry at `at`, or of its nearest enclosing entry that exists (a missing field: its parent). */
function lineOf(document: Document, lines: LineCounter, at: readonly PropertyKey[]): number {
  for (let depth = at.length; depth > 0; depth--) {
    const node: unknown = document.getIn(at.slice(0, depth), true);
    if (node !== null && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
      return lines.linePos(node.range[0] as number).line;
    }
  }
  return 1;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "") || "(top level)";
}
