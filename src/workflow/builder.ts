// AgentWorkflowBuilder: declares the handoff graph (who may hand off to whom) and validates it on build().

import type { ChatClientAgent } from "./agent.js";
import { UserError } from "./errors.js";
import {
  Workflow,
  type HandoffEdge,
  type TerminationCondition,
  type ToolCallFiltering,
  type WorkflowOptions,
} from "./workflow.js";

type AgentRef = ChatClientAgent | string;

/** Why the default instructions exist: without them models narrate "transferring…" or ignore the functions. */
export const DEFAULT_HANDOFF_INSTRUCTIONS =
  "You are one of several agents working together in one conversation. If another agent is better suited to " +
  "the user's request, call the matching handoff_to_<agent> function; its description tells what that agent does. " +
  "Only the agents offered as functions can be reached. If you can answer yourself, just answer.";

const AGENT_NAME = /^[A-Za-z0-9_-]{1,53}$/;

export class HandoffWorkflowBuilder {
  private readonly start: ChatClientAgent;
  private readonly edges: Array<{ from: AgentRef; to: AgentRef; reason?: string }> = [];
  private readonly extraAgents: ChatClientAgent[] = [];
  private options: WorkflowOptions = {
    handoffInstructions: DEFAULT_HANDOFF_INSTRUCTIONS,
    toolCallFiltering: "handoffOnly",
    returnToPrevious: false,
    maxHandoffs: 5,
    maxToolRounds: 10,
  };

  constructor(startAgent: ChatClientAgent) {
    this.start = startAgent;
  }

  /** `from` may hand off to `to` (one agent or several); `reason` describes when, to the model. */
  withHandoff(from: AgentRef, to: AgentRef | readonly AgentRef[], reason?: string): this {
    for (const target of Array.isArray(to) ? (to as readonly AgentRef[]) : [to as AgentRef]) {
      this.edges.push(reason === undefined ? { from, to: target } : { from, to: target, reason });
    }
    return this;
  }

  /** Many-to-one or one-to-many edges: `withHandoffs([math, history], triage)`. */
  withHandoffs(from: AgentRef | readonly AgentRef[], to: AgentRef | readonly AgentRef[], reason?: string): this {
    for (const source of Array.isArray(from) ? (from as readonly AgentRef[]) : [from as AgentRef]) {
      this.withHandoff(source, to, reason);
    }
    return this;
  }

  /** Agents that are part of the graph but referenced by name only in edges. */
  addAgents(...agents: ChatClientAgent[]): this {
    this.extraAgents.push(...agents);
    return this;
  }

  withHandoffInstructions(text: string): this {
    this.options = { ...this.options, handoffInstructions: text };
    return this;
  }

  withToolCallFiltering(filtering: ToolCallFiltering): this {
    this.options = { ...this.options, toolCallFiltering: filtering };
    return this;
  }

  enableReturnToPrevious(enabled = true): this {
    this.options = { ...this.options, returnToPrevious: enabled };
    return this;
  }

  withMaxHandoffs(max: number): this {
    if (!Number.isInteger(max) || max < 0) throw new UserError(`withMaxHandoffs expects a whole number ≥ 0, got ${max}.`);
    this.options = { ...this.options, maxHandoffs: max };
    return this;
  }

  withTerminationCondition(condition: TerminationCondition): this {
    this.options = { ...this.options, terminationCondition: condition };
    return this;
  }

  build(): Workflow {
    const agents = new Map<string, ChatClientAgent>();
    const register = (agent: ChatClientAgent): void => {
      if (!AGENT_NAME.test(agent.name)) {
        throw new UserError(
          `Agent name '${agent.name}' is not usable: names are 1-53 letters, digits, '_' or '-' (they become function names).`,
        );
      }
      const known = agents.get(agent.name);
      if (known !== undefined && known !== agent) throw new UserError(`Two different agents are named '${agent.name}'.`);
      agents.set(agent.name, agent);
    };
    register(this.start);
    for (const agent of this.extraAgents) register(agent);
    for (const edge of this.edges) {
      if (typeof edge.from !== "string") register(edge.from);
      if (typeof edge.to !== "string") register(edge.to);
    }
    const resolve = (ref: AgentRef): string => {
      const name = typeof ref === "string" ? ref : ref.name;
      if (!agents.has(name)) throw new UserError(`Handoff edge names an unknown agent '${name}'.`);
      return name;
    };
    const edges: HandoffEdge[] = [];
    const seen = new Set<string>();
    for (const edge of this.edges) {
      const from = resolve(edge.from);
      const to = resolve(edge.to);
      if (from === to) throw new UserError(`Agent '${from}' cannot hand off to itself.`);
      const key = `${from}\u0000${to}`;
      if (seen.has(key)) throw new UserError(`The handoff ${from} → ${to} is declared twice.`);
      seen.add(key);
      edges.push(edge.reason === undefined ? { from, to } : { from, to, reason: edge.reason });
    }
    const reachable = new Set([this.start.name]);
    const queue = [this.start.name];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      for (const edge of edges) {
        if (edge.from === name && !reachable.has(edge.to)) {
          reachable.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
    for (const name of agents.keys()) {
      if (!reachable.has(name)) throw new UserError(`Agent '${name}' cannot be reached from the start agent '${this.start.name}'.`);
    }
    return new Workflow({ startAgent: this.start, agents, edges, options: this.options });
  }
}

/** Entry point of the graph API, as in the seed: `AgentWorkflowBuilder.startHandoffWith(triage)`. */
export const AgentWorkflowBuilder = {
  startHandoffWith(startAgent: ChatClientAgent): HandoffWorkflowBuilder {
    return new HandoffWorkflowBuilder(startAgent);
  },
  /** The framework's current name for the same builder. */
  createHandoffBuilderWith(startAgent: ChatClientAgent): HandoffWorkflowBuilder {
    return new HandoffWorkflowBuilder(startAgent);
  },
} as const;
