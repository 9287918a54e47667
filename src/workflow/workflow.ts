// A built handoff workflow: the agents, the declared edges between them, and the run options.

import type { ChatClientAgent } from "./agent.js";
import type { ChatMessage } from "./messages.js";

export type ToolCallFiltering = "handoffOnly" | "all" | "none";

export interface HandoffEdge {
  readonly from: string;
  readonly to: string;
  /** Shown to the model as the handoff function's description; the target's description when absent. */
  readonly reason?: string;
}

export interface TerminationContext {
  /** The whole conversation so far, this turn's messages included. */
  readonly messages: readonly ChatMessage[];
  /** The messages this turn added so far. */
  readonly turnMessages: readonly ChatMessage[];
  /** The agent that wrote the last message. */
  readonly agent: string;
}

export type TerminationCondition = (context: TerminationContext) => boolean;

export interface WorkflowOptions {
  readonly handoffInstructions: string;
  readonly toolCallFiltering: ToolCallFiltering;
  readonly returnToPrevious: boolean;
  readonly maxHandoffs: number;
  readonly maxToolRounds: number;
  readonly terminationCondition?: TerminationCondition;
}

export class Workflow {
  readonly startAgent: ChatClientAgent;
  readonly agents: ReadonlyMap<string, ChatClientAgent>;
  readonly edges: readonly HandoffEdge[];
  readonly options: WorkflowOptions;
  /** Outgoing edges by agent name, in declaration order. */
  private readonly outgoing: ReadonlyMap<string, readonly HandoffEdge[]>;

  constructor(init: {
    startAgent: ChatClientAgent;
    agents: ReadonlyMap<string, ChatClientAgent>;
    edges: readonly HandoffEdge[];
    options: WorkflowOptions;
  }) {
    this.startAgent = init.startAgent;
    this.agents = init.agents;
    this.edges = init.edges;
    this.options = init.options;
    const outgoing = new Map<string, HandoffEdge[]>();
    for (const edge of init.edges) {
      const list = outgoing.get(edge.from) ?? [];
      list.push(edge);
      outgoing.set(edge.from, list);
    }
    this.outgoing = outgoing;
  }

  handoffsFrom(agentName: string): readonly HandoffEdge[] {
    return this.outgoing.get(agentName) ?? [];
  }

  agent(name: string): ChatClientAgent | undefined {
    return this.agents.get(name);
  }

  /** The handoff graph as a Mermaid flowchart. */
  toMermaid(): string {
    const id = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, "_");
    const label = (text: string): string => text.replace(/["|]/g, "'").replace(/\s+/g, " ").trim();
    const lines = ["flowchart LR", "  start((start))"];
    for (const agent of this.agents.values()) {
      lines.push(`  ${id(agent.name)}["${label(agent.displayName === agent.name ? agent.name : `${agent.displayName} (${agent.name})`)}"]`);
    }
    lines.push(`  start --> ${id(this.startAgent.name)}`);
    for (const edge of this.edges) {
      const reason = edge.reason ? `|${label(edge.reason)}|` : "";
      lines.push(`  ${id(edge.from)} -->${reason} ${id(edge.to)}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
