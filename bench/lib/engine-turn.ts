// Scenario 1: one turn of the seed's scenario through Baton's engine alone, at several history lengths, streamed or not.

import { AgentWorkflowBuilder, ChatClientAgent, type Workflow } from "../../src/workflow/index.js";
import { AgentRunUpdateEvent, WorkflowCompletedEvent } from "../../src/workflow/events.js";
import { InProcessExecution, TurnToken } from "../../src/workflow/execution.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { timeTurns, type TurnLoopResult } from "./measure.js";
import { SeedChatClient } from "./seed-chat-client.js";
import { AGENTS, priorMessages, QUESTION } from "./seed-scenario.js";

export interface EngineRowSpec {
  readonly history: number;
  readonly streaming: boolean;
  /** Hand the engine a new copy of the list every turn, as a caller that rebuilds its list does (no reuse of the view). */
  readonly rebuilt?: boolean;
}

export interface EngineRowResult extends TurnLoopResult, EngineRowSpec {}

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
  const messages = priorMessages(history).map((m) => new ChatMessage(m.role, m.text, { authorName: m.author }));
  messages.push(new ChatMessage("user", QUESTION, { authorName: "student" }));
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
    const input = batonInput(row.history);
    const turn = row.rebuilt ? () => batonTurn(workflow, [...input], row.streaming) : () => batonTurn(workflow, input, row.streaming);
    // Every timed turn must be the scenario, not a cheaper failure path.
    const answeredBy = await turn();
    if (answeredBy !== AGENTS.math.name) throw new Error(`Expected ${AGENTS.math.name} to answer, got '${answeredBy}'.`);
    const callsBefore = client.calls;
    const timing = await timeTurns(turn, { warmup: options.warmup, turns: options.turns });
    const callsPerTurn = (client.calls - callsBefore) / (timing.warmupTurns + timing.turns);
    if (callsPerTurn !== 2) throw new Error(`Expected 2 model calls per turn, saw ${callsPerTurn}.`);
    results.push({ ...row, ...timing });
  }
  return results;
}
