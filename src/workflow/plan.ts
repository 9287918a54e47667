// The immutable plan build() derives for each agent: its system message, the tools it is offered, where it may go.

import type { ChatClientAgent, FunctionTool } from "./agent.js";
import type { ModelMessage, ToolDefinition } from "./chat-client.js";
import { handoffFunctionName } from "./handoff-tools.js";
import type { HumanParticipant } from "./human.js";

export type SystemMessage = Extract<ModelMessage, { role: "system" }>;

/** Where a handoff can lead: another agent, or a person. */
export type HandoffTarget =
  | { readonly kind: "agent"; readonly agent: ChatClientAgent }
  | { readonly kind: "human"; readonly human: HumanParticipant };

export interface AutonomousPlan {
  /** Continuations this agent may take on its own in one turn before the turn ends. */
  readonly turnLimit: number;
  /** Sent to the agent as a user message when it answered without handing off and may go on. */
  readonly continuationPrompt: string;
}

export interface AgentPlan {
  readonly agent: ChatClientAgent;
  /** Empty or one system message: the agent's instructions, plus the handoff instructions when it has handoffs. */
  readonly system: readonly SystemMessage[];
  /** Handoff functions in declaration order, then the agent's own functions. */
  readonly tools: readonly ToolDefinition[];
  /** Allowed handoff targets, by target name. */
  readonly targets: ReadonlyMap<string, HandoffTarget>;
  /** The agent's own functions, by name. */
  readonly functions: ReadonlyMap<string, FunctionTool>;
  /** Whether the agent continues on its own after an answer (autonomous mode), and how. */
  readonly autonomous?: AutonomousPlan;
}

const HANDOFF_PARAMETERS = Object.freeze({
  type: "object",
  properties: Object.freeze({ reason: Object.freeze({ type: "string", description: "Why the conversation is being handed off (optional)." }) }),
  required: Object.freeze([]),
  additionalProperties: false,
});

export interface PlanEdge {
  readonly to: HandoffTarget;
  readonly reason?: string;
}

/** One agent's plan from its outgoing edges and the workflow's handoff instructions. */
export function planAgent(
  agent: ChatClientAgent,
  edges: readonly PlanEdge[],
  handoffInstructions: string,
  autonomous: AutonomousPlan | undefined,
): AgentPlan {
  const parts = [agent.instructions];
  if (edges.length > 0) parts.push(handoffInstructions);
  const content = parts.filter((p) => p.trim() !== "").join("\n\n");
  const system: SystemMessage[] = content === "" ? [] : [Object.freeze({ role: "system" as const, content })];
  const targets = new Map<string, HandoffTarget>();
  const tools: ToolDefinition[] = [];
  for (const edge of edges) {
    const target = edge.to.kind === "agent" ? edge.to.agent : edge.to.human;
    targets.set(target.name, edge.to);
    tools.push(
      Object.freeze({
        name: handoffFunctionName(target.name),
        description: edge.reason ?? (target.description || `Hand off to ${target.name}.`),
        parameters: HANDOFF_PARAMETERS,
      }),
    );
  }
  const functions = new Map<string, FunctionTool>();
  for (const tool of agent.tools) {
    functions.set(tool.name, tool);
    tools.push(Object.freeze({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  }
  return Object.freeze({
    agent,
    system: Object.freeze(system),
    tools: Object.freeze(tools),
    targets,
    functions,
    ...(autonomous === undefined ? {} : { autonomous: Object.freeze({ ...autonomous }) }),
  });
}
