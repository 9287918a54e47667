// Scenario 1: one turn of the seed's scenario through Baton's engine alone, at several history lengths, streamed or not.

import { AgentWorkflowBuilder, ChatClientAgent, type Workflow } from "../../src/workflow/index.js";
import { AgentRunUpdateEvent, WorkflowCompletedEvent } from "../../src/workflow/events.js";
import { InProcessExecution, TurnToken } from "../../src/workflow/execution.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { timeTurns, type TurnLoopResult } from "./measure.js";
import { SeedChatClient } from "./seed-chat-client.js";
import { AGENTS, priorMessages, QUESTION, type PriorMessage } from "./seed-scenario.js";

export interface EngineRowSpec {
  readonly history: number;
  readonly streaming: boolean;
  /**
   * Build the conversation from plain messages every turn, as the service does from its rows (and as each peer is
   * handed plain items): the cost of turning history into ChatMessages is part of the timed turn.
   */
  readonly rebuilt?: boolean;
}

export interface EngineRowResult extends TurnLoopResult, EngineRowSpec {
  /** (p50 of this row − p50 at history 0, same mode) ÷ history: what one more history message costs a turn. */
  readonly nsPerHistoryMessage?: number;
}

export interface EngineTurnOptions {
  readonly rows: readonly EngineRowSpec[];
  readonly warmup: number;
  readonly turns: number;
}

/** The seed's graph: triage → math | history, each tutor → triage. */
export function seedWorkflow(client: SeedChatClient): Workflow {
  const agent = (spec: (typeof AGENTS)[keyof typeof AGENTS]) => new ChatClientAgent(client, spec.instructions, spec.name, spec.description);
  const triage = agent(AGENTS.triage);
  const math = agent(AGENTS.math);
  const history = agent(AGENTS.history);
  return AgentWorkflowBuilder.startHandoffWith(triage).withHandoff(triage, [math, history]).withHandoff(math, triage).withHandoff(history, triage).build();
}

/** The conversation so far plus the student's new question: built once per row, never mutated by a turn. */
export function batonInput(history: number): ChatMessage[] {
  return fromPlain(priorMessages(history));
}

/**
 * Plain messages (as rows or peers' items are) into the engine's ChatMessages, plus the student's question. Dated by
 * one clock read, as the service's rows carry their stored times: the clock is slow on some machines.
 */
function fromPlain(prior: readonly PriorMessage[]): ChatMessage[] {
  const createdAt = Date.now();
  const messages = prior.map((m) => new ChatMessage(m.role, m.text, { authorName: m.author, createdAt }));
  messages.push(new ChatMessage("user", QUESTION, { authorName: "student", createdAt }));
  return messages;
}

/** One turn as the seed's console loop runs it; resolves to the agent that answered last. */
export async function batonTurn(workflow: Workflow, input: readonly ChatMessage[], streaming: boolean): Promise<string> {
  if (!streaming) {
    const { result } = await InProcessExecution.run(workflow, input);
    if (result.status !== "completed") throw new Error(`The benchmark turn failed: ${result.error?.message}`);
    return result.messages.at(-1)?.authorName ?? "";
  }
  const run = await InProcessExecution.stream(workflow, input);
  await run.trySendMessage(new TurnToken(true));
  let answeredBy = "";
  let deltas = 0;
  for await (const event of run.watchStream()) {
    if (event instanceof AgentRunUpdateEvent) deltas++;
    else if (event instanceof WorkflowCompletedEvent) answeredBy = event.data.at(-1)?.authorName ?? "";
  }
  if (deltas === 0) throw new Error("The streamed benchmark turn produced no text deltas.");
  return answeredBy;
}

export async function runEngineTurns(options: EngineTurnOptions): Promise<EngineRowResult[]> {
  const client = new SeedChatClient();
  const workflow = seedWorkflow(client);
  const results: EngineRowResult[] = [];
  for (const row of options.rows) {
    const plain = priorMessages(row.history);
    const input = fromPlain(plain);
    const turn = row.rebuilt ? () => batonTurn(workflow, fromPlain(plain), row.streaming) : () => batonTurn(workflow, input, row.streaming);
    // Every timed turn must be the scenario, not a cheaper failure path.
    const answeredBy = await turn();
    if (answeredBy !== AGENTS.math.name) throw new Error(`Expected ${AGENTS.math.name} to answer, got '${answeredBy}'.`);
    const callsBefore = client.calls;
    const timing = await timeTurns(turn, { warmup: options.warmup, turns: options.turns });
    const callsPerTurn = (client.calls - callsBefore) / (timing.warmupTurns + timing.turns);
    if (callsPerTurn !== 2) throw new Error(`Expected 2 model calls per turn, saw ${callsPerTurn}.`);
    results.push({ ...row, ...timing });
  }
  return results.map((row) => {
    const base = results.find((r) => r.history === 0 && r.streaming === row.streaming && !r.rebuilt);
    if (row.history === 0 || base === undefined) return row;
    return { ...row, nsPerHistoryMessage: ((row.p50Us - base.p50Us) * 1000) / row.history };
  });
}
