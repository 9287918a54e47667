// AgentWorkflowBuilder: declares the handoff graph (who may hand off to whom), validates it and derives the plans on build().

import type { ChatClientAgent } from "./agent.js";
import { UserError } from "./errors.js";
import { HumanParticipant } from "./human.js";
import { planAgent, type AgentPlan, type AutonomousPlan, type HandoffTarget } from "./plan.js";
import {
  Workflow,
  type AutonomousModeOptions,
  type HandoffEdge,
  type StopTexts,
  type TerminationCondition,
  type ToolCallFiltering,
  type WorkflowOptions,
} from "./workflow.js";

type AgentRef = ChatClientAgent | string;
type TargetRef = AgentRef | HumanParticipant;

/** Why the default instructions exist: without them models narrate "transferring…" or ignore the functions. */
export const DEFAULT_HANDOFF_INSTRUCTIONS =
  "You are one of several agents working together in one conversation. If another agent is better suited to " +
  "the user's request, call the matching handoff_to_<agent> function; its description tells what that agent does. " +
  "Only the agents offered as functions can be reached. If you can answer yourself, just answer.";

/** The engine's own wording when a cap ends a turn; applications (the bot) supply theirs with withStopTexts. */
export const DEFAULT_STOP_TEXTS: StopTexts = Object.freeze({
  maxHandoffs: "Sorry, this request could not be routed to the right agent. Please rephrase it.",
  maxToolRounds: "Sorry, I couldn't finish working on that. Please try again.",
});

export const DEFAULT_CONTINUATION_PROMPT = "Continue with the task on your own; answer when you are done.";
export const DEFAULT_AUTONOMOUS_TURN_LIMIT = 10;

const PARTICIPANT_NAME = /^[A-Za-z0-9_-]{1,53}$/;

export class HandoffWorkflowBuilder {
  private readonly start: ChatClientAgent;
  private readonly edges: Array<{ from: AgentRef; to: TargetRef; reason?: string }> = [];
  private readonly participants: Array<ChatClientAgent | HumanParticipant> = [];
  private name: string | undefined;
  private description: string | undefined;
  private autonomous: AutonomousModeOptions | undefined;
  private options: WorkflowOptions = {
    handoffInstructions: DEFAULT_HANDOFF_INSTRUCTIONS,
    toolCallFiltering: "handoffOnly",
    returnToPrevious: false,
    maxHandoffs: 5,
    maxToolRounds: 10,
    stopTexts: DEFAULT_STOP_TEXTS,
    emitAgentResponseEvents: true,
    traceContent: false,
  };

  constructor(startAgent: ChatClientAgent) {
    this.start = startAgent;
  }

  /** `from` may hand off to `to` (one participant or several); `reason` describes when, to the model. */
  withHandoff(from: AgentRef, to: TargetRef | readonly TargetRef[], reason?: string): this {
    if (from instanceof HumanParticipant) throw new UserError(`A human participant ('${from.name}') cannot hand off; agents hand off to it.`);
    for (const target of Array.isArray(to) ? (to as readonly TargetRef[]) : [to as TargetRef]) {
      this.edges.push(reason === undefined ? { from, to: target } : { from, to: target, reason });
    }
    return this;
  }

  /** Many-to-one or one-to-many edges: `withHandoffs([math, history], triage)`. */
  withHandoffs(from: AgentRef | readonly AgentRef[], to: TargetRef | readonly TargetRef[], reason?: string): this {
    for (const source of Array.isArray(from) ? (from as readonly AgentRef[]) : [from as AgentRef]) {
      this.withHandoff(source, to, reason);
    }
    return this;
  }

  /**
   * Participants without declared edges, as in the framework: when no handoff is declared at all, every agent may
   * hand off to every other participant (agents and humans).
   */
  addParticipants(...participants: Array<ChatClientAgent | HumanParticipant>): this {
    this.participants.push(...participants);
    return this;
  }

  /** The seed's name for addParticipants. */
  addAgents(...agents: ChatClientAgent[]): this {
    return this.addParticipants(...agents);
  }

  withName(name: string): this {
    this.name = name;
    return this;
  }

  withDescription(description: string): this {
    this.description = description;
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

  /** What the turn says when a cap ends it (the bot words it for students). */
  withStopTexts(texts: Partial<StopTexts>): this {
    this.options = { ...this.options, stopTexts: { ...this.options.stopTexts, ...texts } };
    return this;
  }

  /**
   * An agent that answers without handing off goes on by itself, sent `continuationPrompt`, up to `turnLimit` times
   * per turn, instead of ending the turn (off by default, as in the framework). A handoff resets the count.
   */
  withAutonomousMode(options: AutonomousModeOptions = {}): this {
    const limit = options.turnLimit ?? DEFAULT_AUTONOMOUS_TURN_LIMIT;
    if (!Number.isInteger(limit) || limit < 0) throw new UserError(`withAutonomousMode expects a turnLimit ≥ 0, got ${limit}.`);
    this.autonomous = options;
    return this;
  }

  /** Emit AgentResponseEvent, ToolResultEvent and HandoffEvent besides the AgentStepEvent of each step (default on). */
  emitAgentResponseEvents(enabled = true): this {
    this.options = { ...this.options, emitAgentResponseEvents: enabled };
    return this;
  }

  /** Emit text deltas (AgentRunUpdateEvent) whatever the TurnToken says; unset, the TurnToken decides. */
  emitAgentResponseUpdateEvents(enabled = true): this {
    this.options = { ...this.options, emitAgentResponseUpdateEvents: enabled };
    return this;
  }

  /** Message text in the OpenTelemetry spans (prompts, answers, tool arguments); off by default: it is personal data. */
  withTraceContent(enabled = true): this {
    this.options = { ...this.options, traceContent: enabled };
    return this;
  }

  build(): Workflow {
    const agents = new Map<string, ChatClientAgent>();
    const humans = new Map<string, HumanParticipant>();
    const register = (participant: ChatClientAgent | HumanParticipant): void => {
      if (!PARTICIPANT_NAME.test(participant.name)) {
        throw new UserError(
          `Participant name '${participant.name}' is not usable: names are 1-53 letters, digits, '_' or '-' (they become function names).`,
        );
      }
      const known = agents.get(participant.name) ?? humans.get(participant.name);
      if (known !== undefined && known !== participant) throw new UserError(`Two different agents are named '${participant.name}'.`);
      if (participant instanceof HumanParticipant) humans.set(participant.name, participant);
      else agents.set(participant.name, participant);
    };
    register(this.start);
    for (const participant of this.participants) register(participant);
    for (const edge of this.edges) {
      if (typeof edge.from !== "string") register(edge.from);
      if (typeof edge.to !== "string") register(edge.to);
    }
    const edges = this.edges.length > 0 ? this.declaredEdges(agents, humans) : allToAll(agents, humans);
    checkReachable(this.start.name, [...agents.keys(), ...humans.keys()], edges);
    const autonomousAgents = this.autonomousAgents(agents);
    const plans = new Map<string, AgentPlan>();
    for (const agent of agents.values()) {
      const outgoing = edges
        .filter((edge) => edge.from === agent.name)
        .map((edge) => ({ to: targetOf(edge.to, agents, humans), ...(edge.reason === undefined ? {} : { reason: edge.reason }) }));
      plans.set(agent.name, planAgent(agent, outgoing, this.options.handoffInstructions, autonomousAgents.get(agent.name)));
    }
    return new Workflow({
      ...(this.name === undefined ? {} : { name: this.name }),
      ...(this.description === undefined ? {} : { description: this.description }),
      startAgent: this.start,
      agents,
      humans,
      edges,
      options: this.options,
      plans,
    });
  }

  private declaredEdges(agents: ReadonlyMap<string, ChatClientAgent>, humans: ReadonlyMap<string, HumanParticipant>): HandoffEdge[] {
    const resolve = (ref: TargetRef): string => {
      const name = typeof ref === "string" ? ref : ref.name;
      if (!agents.has(name) && !humans.has(name)) throw new UserError(`Handoff edge names an unknown agent '${name}'.`);
      return name;
    };
    const edges: HandoffEdge[] = [];
    const seen = new Set<string>();
    for (const edge of this.edges) {
      const from = resolve(edge.from);
      const to = resolve(edge.to);
      if (humans.has(from)) throw new UserError(`A human participant ('${from}') cannot hand off; agents hand off to it.`);
      if (from === to) throw new UserError(`Agent '${from}' cannot hand off to itself.`);
      const key = `${from}\u0000${to}`;
      if (seen.has(key)) throw new UserError(`The handoff ${from} → ${to} is declared twice.`);
      seen.add(key);
      edges.push(Object.freeze(edge.reason === undefined ? { from, to } : { from, to, reason: edge.reason }));
    }
    return edges;
  }

  private autonomousAgents(agents: ReadonlyMap<string, ChatClientAgent>): Map<string, AutonomousPlan> {
    const out = new Map<string, AutonomousPlan>();
    if (this.autonomous === undefined) return out;
    const plan: AutonomousPlan = {
      turnLimit: this.autonomous.turnLimit ?? DEFAULT_AUTONOMOUS_TURN_LIMIT,
      continuationPrompt: this.autonomous.continuationPrompt ?? DEFAULT_CONTINUATION_PROMPT,
    };
    const names = this.autonomous.agents?.map((ref) => (typeof ref === "string" ? ref : ref.name)) ?? [...agents.keys()];
    for (const name of names) {
      if (!agents.has(name)) throw new UserError(`withAutonomousMode names an unknown agent '${name}'.`);
      out.set(name, plan);
    }
    return out;
  }
}

/** The framework's default when no edge is declared: every agent may hand off to every other participant. */
function allToAll(agents: ReadonlyMap<string, ChatClientAgent>, humans: ReadonlyMap<string, HumanParticipant>): HandoffEdge[] {
  const edges: HandoffEdge[] = [];
  for (const from of agents.keys()) {
    for (const to of [...agents.keys(), ...humans.keys()]) if (to !== from) edges.push(Object.freeze({ from, to }));
  }
  return edges;
}

function targetOf(name: string, agents: ReadonlyMap<string, ChatClientAgent>, humans: ReadonlyMap<string, HumanParticipant>): HandoffTarget {
  const agent = agents.get(name);
  if (agent !== undefined) return { kind: "agent", agent };
  return { kind: "human", human: humans.get(name)! };
}

function checkReachable(start: string, names: readonly string[], edges: readonly HandoffEdge[]): void {
  const reachable = new Set([start]);
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    for (const edge of edges) {
      if (edge.from === name && !reachable.has(edge.to)) {
        reachable.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  for (const name of names) {
    if (!reachable.has(name)) throw new UserError(`Agent '${name}' cannot be reached from the start agent '${start}'.`);
  }
}

/** Entry point of the graph API: `AgentWorkflowBuilder.createHandoffBuilderWith(triage)` (the framework's name). */
export const AgentWorkflowBuilder = {
  createHandoffBuilderWith(startAgent: ChatClientAgent): HandoffWorkflowBuilder {
    return new HandoffWorkflowBuilder(startAgent);
  },
  /** The seed's name for the same builder. */
  startHandoffWith(startAgent: ChatClientAgent): HandoffWorkflowBuilder {
    return new HandoffWorkflowBuilder(startAgent);
  },
} as const;
