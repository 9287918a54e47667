// A built handoff workflow: its participants, the declared edges between them, the run options, and each agent's plan.

import type { ChatClientAgent } from "./agent.js";
import type { HumanParticipant } from "./human.js";
import type { ChatMessage } from "./messages.js";
import type { AgentPlan } from "./plan.js";

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

/** What a turn says when it is ended by a cap; the defaults are neutral, an application supplies its own wording. */
export interface StopTexts {
  /** Too many handoffs in one turn (the conversation could not be routed). */
  readonly maxHandoffs: string;
  /** An agent called its own functions too many times in a row. */
  readonly maxToolRounds: string;
}

export interface AutonomousModeOptions {
  /** Continuations each agent may take on its own in one turn; default 10. */
  readonly turnLimit?: number;
  /** The user message that asks the agent to go on; a neutral default. */
  readonly continuationPrompt?: string;
  /** The agents that continue on their own; default: every agent. */
  readonly agents?: readonly (ChatClientAgent | string)[];
}

export interface WorkflowOptions {
  readonly handoffInstructions: string;
  readonly toolCallFiltering: ToolCallFiltering;
  readonly returnToPrevious: boolean;
  readonly maxHandoffs: number;
  readonly maxToolRounds: number;
  readonly terminationCondition?: TerminationCondition;
  readonly stopTexts: StopTexts;
  /** Emit AgentResponseEvent / ToolResultEvent / HandoffEvent besides each AgentStepEvent (default on). */
  readonly emitAgentResponseEvents: boolean;
  /** Emit AgentRunUpdateEvent text deltas; when undefined, the TurnToken decides (as in the framework). */
  readonly emitAgentResponseUpdateEvents?: boolean;
  /** Put message text (prompts, answers, tool arguments and results, handoff reasons) into spans; default off. */
  readonly traceContent: boolean;
}

export interface WorkflowInit {
  readonly name?: string;
  readonly description?: string;
  readonly startAgent: ChatClientAgent;
  readonly agents: ReadonlyMap<string, ChatClientAgent>;
  readonly humans: ReadonlyMap<string, HumanParticipant>;
  readonly edges: readonly HandoffEdge[];
  readonly options: WorkflowOptions;
  readonly plans: ReadonlyMap<string, AgentPlan>;
}

export class Workflow {
  readonly name?: string;
  readonly description?: string;
  readonly startAgent: ChatClientAgent;
  readonly agents: ReadonlyMap<string, ChatClientAgent>;
  readonly humans: ReadonlyMap<string, HumanParticipant>;
  readonly edges: readonly HandoffEdge[];
  readonly options: WorkflowOptions;
  private readonly plans: ReadonlyMap<string, AgentPlan>;

  /** Made by HandoffWorkflowBuilder.build(), which derives the plans; everything here is frozen. */
  constructor(init: WorkflowInit) {
    if (init.name !== undefined) this.name = init.name;
    if (init.description !== undefined) this.description = init.description;
    this.startAgent = init.startAgent;
    this.agents = init.agents;
    this.humans = init.humans;
    this.edges = Object.freeze([...init.edges]);
    this.options = Object.freeze({ ...init.options, stopTexts: Object.freeze({ ...init.options.stopTexts }) });
    this.plans = init.plans;
    Object.freeze(this);
  }

  /** The plan of one agent: what it is sent and what it may do. */
  plan(agentName: string): AgentPlan | undefined {
    return this.plans.get(agentName);
  }

  handoffsFrom(agentName: string): readonly HandoffEdge[] {
    return this.edges.filter((edge) => edge.from === agentName);
  }

  agent(name: string): ChatClientAgent | undefined {
    return this.agents.get(name);
  }

  human(name: string): HumanParticipant | undefined {
    return this.humans.get(name);
  }

  /** The handoff graph as a Mermaid flowchart; human participants are drawn as rounded nodes. */
  toMermaid(): string {
    const id = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, "_");
    const label = (text: string): string => text.replace(/["|]/g, "'").replace(/\s+/g, " ").trim();
    const lines = ["flowchart LR", "  start((start))"];
    for (const agent of this.agents.values()) {
      lines.push(`  ${id(agent.name)}["${label(agent.displayName === agent.name ? agent.name : `${agent.displayName} (${agent.name})`)}"]`);
    }
    for (const human of this.humans.values()) lines.push(`  ${id(human.name)}("${label(`${human.name} (human)`)}")`);
    lines.push(`  start --> ${id(this.startAgent.name)}`);
    for (const edge of this.edges) {
      const reason = edge.reason ? `|${label(edge.reason)}|` : "";
      lines.push(`  ${id(edge.from)} -->${reason} ${id(edge.to)}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
