// The handoff functions offered to an agent (one per declared edge) and how a model's calls to them are judged.

import type { ToolDefinition } from "./chat-client.js";
import type { ToolCall } from "./messages.js";
import type { Workflow } from "./workflow.js";

export const HANDOFF_PREFIX = "handoff_to_";

const HANDOFF_PARAMETERS = {
  type: "object",
  properties: { reason: { type: "string", description: "Why the conversation is being handed off (optional)." } },
  required: [],
  additionalProperties: false,
} as const;

export function handoffFunctionName(target: string): string {
  return `${HANDOFF_PREFIX}${target}`;
}

export function isHandoffCall(name: string): boolean {
  return name.startsWith(HANDOFF_PREFIX);
}

/** The tools one agent is offered: its handoffs in declaration order, then its own functions. Cached per workflow. */
const toolCache = new WeakMap<Workflow, Map<string, readonly ToolDefinition[]>>();

export function toolsFor(workflow: Workflow, agentName: string): readonly ToolDefinition[] {
  let perAgent = toolCache.get(workflow);
  if (perAgent === undefined) {
    perAgent = new Map();
    toolCache.set(workflow, perAgent);
  }
  const cached = perAgent.get(agentName);
  if (cached !== undefined) return cached;
  const tools: ToolDefinition[] = workflow.handoffsFrom(agentName).map((edge) => ({
    name: handoffFunctionName(edge.to),
    description: edge.reason ?? workflow.agent(edge.to)?.description ?? `Hand off to ${edge.to}.`,
    parameters: HANDOFF_PARAMETERS,
  }));
  for (const tool of workflow.agent(agentName)?.tools ?? []) {
    tools.push({ name: tool.name, description: tool.description, parameters: tool.parameters });
  }
  perAgent.set(agentName, tools);
  return tools;
}

/** Reads the optional `reason` argument; malformed JSON from a model is tolerated (the handoff still counts). */
export function handoffReason(call: ToolCall): string {
  if (call.arguments.trim() === "") return "";
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    if (parsed !== null && typeof parsed === "object" && "reason" in parsed) {
      const reason = (parsed as { reason: unknown }).reason;
      return typeof reason === "string" ? reason : "";
    }
  } catch {
    // A malformed argument string is the model's slip; the call's name alone says where to go.
  }
  return "";
}
