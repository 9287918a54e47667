// Builds the handoff workflow an agents file's roster describes: its agents with their tutoring policies, humans, edges, options.

import { effectivePolicy, withPolicy, type TutoringPolicy } from "../config/tutoring-policy.js";
import type { Roster } from "../config/agents-file.js";
import { ChatClientAgent } from "../workflow/agent.js";
import { AgentWorkflowBuilder } from "../workflow/builder.js";
import type { ChatClient } from "../workflow/chat-client.js";
import { UserError } from "../workflow/errors.js";
import { HumanParticipant } from "../workflow/human.js";
import type { StopTexts, Workflow } from "../workflow/workflow.js";

export interface BuildWorkflowOptions {
  readonly stopTexts?: Partial<StopTexts>;
  readonly traceContent?: boolean;
  /** Start here instead of the roster's `start` (a channel override); only the agents reachable from it take part. */
  readonly start?: string;
  /** Every tutor's policy in this workflow (a channel override); the triage agent keeps its own. */
  readonly channelPolicy?: TutoringPolicy;
}

/**
 * Builds the handoff workflow the roster describes, each agent's instructions followed by its tutoring policy; the
 * graph checks (reachability…) name the file too.
 */
export function buildWorkflow(roster: Roster, client: ChatClient, path = "agents.yaml", options: BuildWorkflowOptions = {}): Workflow {
  const start = options.start ?? roster.start;
  const members = reachableFrom(roster, start);
  const agents = new Map(
    roster.agents
      .filter((a) => members.has(a.name))
      .map((a) => [
        a.name,
        new ChatClientAgent(client, {
          name: a.name,
          instructions: withPolicy(a.instructions, effectivePolicy(a, { triage: roster.start, channelPolicy: options.channelPolicy }), roster.policies),
          description: a.description,
          ...(a.displayName !== undefined ? { displayName: a.displayName } : {}),
          ...(a.avatarUrl !== undefined ? { avatarUrl: a.avatarUrl } : {}),
          ...(a.emoji !== undefined ? { emoji: a.emoji } : {}),
        }),
      ]),
  );
  const humans = new Map(
    roster.humans
      .filter((h) => members.has(h.name))
      .map((h) => [h.name, new HumanParticipant({ name: h.name, description: h.description, ...(h.displayName === undefined ? {} : { displayName: h.displayName }) })]),
  );
  const builder = AgentWorkflowBuilder.startHandoffWith(agents.get(start)!).addParticipants(...agents.values(), ...humans.values());
  for (const edge of roster.handoffs) {
    if (!members.has(edge.from)) continue;
    const targets = (Array.isArray(edge.to) ? edge.to : [edge.to]).map((to) => agents.get(to) ?? humans.get(to)!);
    builder.withHandoff(agents.get(edge.from)!, targets, edge.reason);
  }
  builder.withMaxHandoffs(roster.options.maxHandoffs).withToolCallFiltering(roster.options.toolCallFiltering);
  if (roster.options.returnToPrevious) builder.enableReturnToPrevious();
  if (options.stopTexts !== undefined) builder.withStopTexts(options.stopTexts);
  if (options.traceContent === true) builder.withTraceContent();
  if (roster.options.handoffInstructions !== undefined) builder.withHandoffInstructions(roster.options.handoffInstructions);
  const autonomous = roster.options.autonomous;
  if (autonomous !== undefined) {
    builder.withAutonomousMode({
      ...(autonomous.turnLimit === undefined ? {} : { turnLimit: autonomous.turnLimit }),
      ...(autonomous.continuationPrompt === undefined ? {} : { continuationPrompt: autonomous.continuationPrompt }),
      ...(autonomous.agents === undefined ? {} : { agents: autonomous.agents.filter((agent) => members.has(agent)) }),
    });
  }
  try {
    return builder.build();
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${path}: ${error.message}`, { code: "configuration", cause: error });
    throw error;
  }
}

/**
 * The agents a workflow starting at `start` can reach along the declared handoffs. The roster's own start takes
 * everyone (an agent it cannot reach is the builder's error to report); without handoffs, every agent reaches every other.
 */
function reachableFrom(roster: Roster, start: string): ReadonlySet<string> {
  const everyone = [...roster.agents.map((a) => a.name), ...roster.humans.map((h) => h.name)];
  if (start === roster.start || roster.handoffs.length === 0) return new Set(everyone);
  const reached = new Set([start]);
  const queue = [start];
  for (let from = queue.shift(); from !== undefined; from = queue.shift()) {
    for (const edge of roster.handoffs) {
      if (edge.from !== from) continue;
      for (const to of Array.isArray(edge.to) ? edge.to : [edge.to]) {
        if (!reached.has(to)) {
          reached.add(to);
          queue.push(to);
        }
      }
    }
  }
  return reached;
}
