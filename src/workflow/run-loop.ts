// The turn loop: runs agents one after another along handoffs until one answers without handing off.

import type { ChatClientAgent } from "./agent.js";
import type { ChatRequest, ChatResponse, ModelMessage } from "./chat-client.js";
import { BatonError, ModelBehaviorError, ModelError, RunAbortedError } from "./errors.js";
import {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  HandoffEvent,
  WorkflowCompletedEvent,
  WorkflowErrorEvent,
  ToolResultEvent,
  type WorkflowEvent,
} from "./events.js";
import { isHandoffCall, toolsFor } from "./handoff-tools.js";
import { historyView, requestMessages } from "./history-cache.js";
import { toModelMessages } from "./history-view.js";
import { ChatMessage, type TokenUsage } from "./messages.js";
import { decide } from "./next-step.js";
import type { Workflow } from "./workflow.js";

export interface TurnOptions {
  /** Ask the model for a stream (text deltas as they arrive) or for whole responses. */
  readonly streaming: boolean;
  /** Emit AgentRunUpdateEvent for text deltas (the seed's `new TurnToken(emitEvents: true)`). */
  readonly emitUpdates: boolean;
  readonly signal?: AbortSignal;
  /** With return-to-previous: the agent that answered last; derived from the history when absent. */
  readonly activeAgent?: string;
  /** Continue an interrupted turn with this agent, whatever the start agent or return-to-previous say. */
  readonly resumeAgent?: string;
}

export interface TurnResult {
  readonly status: "completed" | "failed";
  /** The messages this turn added (all of them, also on failure). */
  readonly messages: ChatMessage[];
  /** The agent the next user message goes to when return-to-previous is on. */
  readonly activeAgent: string;
  readonly usage: TokenUsage;
  readonly error?: BatonError;
}

export async function* runTurn(
  workflow: Workflow,
  history: readonly ChatMessage[],
  options: TurnOptions,
): AsyncGenerator<WorkflowEvent, TurnResult> {
  const turn: ChatMessage[] = [];
  const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let agent = firstAgent(workflow, history, options);
  const filtering = workflow.options.toolCallFiltering;
  // Earlier turns are seen the same way by every agent: converted once, and kept for the next turn of the same list.
  const earlier = historyView(history, filtering);
  let handoffs = 0;
  let toolRounds = 0;
  let activationStart = 0;
  // An empty answer (no text, no tool call) is a model failure: asked once more, then the turn fails.
  let emptyAnswers = 0;

  try {
    for (;;) {
      if (options.signal?.aborted) throw new RunAbortedError();
      const request: ChatRequest = {
        messages: requestMessages(systemMessages(workflow, agent), earlier, [
          ...toModelMessages(turn.slice(0, activationStart), filtering),
          ...toModelMessages(turn.slice(activationStart), "none"),
        ]),
        tools: toolsFor(workflow, agent.name),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      // The stream is read here rather than in a delegated generator: one async hop less for each text delta.
      let response: ChatResponse | undefined;
      if (!options.streaming) {
        response = await agent.client.getResponse(request);
      } else {
        for await (const part of agent.client.getStreamingResponse(request)) {
          if (part.type === "done") response = part.response;
          else if (options.emitUpdates && part.delta !== "") yield new AgentRunUpdateEvent(agent.name, part.delta);
        }
        if (response === undefined) throw new ModelError("model_unavailable", `The model's stream for ${agent.name} ended without a response.`);
      }
      addUsage(usage, response.usage);
      if (isEmptyAnswer(response)) {
        if (++emptyAnswers > 1) throw new ModelBehaviorError(`${agent.name} gave an empty answer twice (no text, no tool call).`);
        continue;
      }
      emptyAnswers = 0;
      const message = new ChatMessage("assistant", response.text, {
        authorName: agent.name,
        toolCalls: response.toolCalls,
        ...(response.usage ? { usage: response.usage } : {}),
      });
      turn.push(message);
      yield new AgentResponseEvent(agent.name, message, response.usage);

      const { step, results, warnings } = await decide(workflow, agent, message, handoffs, toolRounds, options.signal);
      for (const result of results) {
        turn.push(result);
        yield new ToolResultEvent(agent.name, result);
      }
      for (const warning of warnings) yield warning;

      const terminated =
        workflow.options.terminationCondition?.({ messages: [...history, ...turn], turnMessages: turn, agent: agent.name }) ?? false;
      if (step.kind === "final" || terminated) break;
      if (step.kind === "stop") {
        yield step.warning;
        if (step.apology !== undefined) {
          const apology = new ChatMessage("assistant", step.apology, { authorName: agent.name });
          turn.push(apology);
          yield new AgentResponseEvent(agent.name, apology, undefined);
        }
        break;
      }
      if (step.kind === "handoff") {
        handoffs++;
        yield new HandoffEvent(agent.name, step.to.name, step.reason, message);
        agent = step.to;
        activationStart = turn.length;
        toolRounds = 0;
      } else {
        if (message.toolCalls?.some((c) => isHandoffCall(c.name))) handoffs++;
        else toolRounds++;
      }
    }
  } catch (thrown) {
    const error = toBatonError(thrown, options.signal);
    yield new WorkflowErrorEvent(error, turn);
    return { status: "failed", messages: turn, activeAgent: agent.name, usage, error };
  }
  yield new WorkflowCompletedEvent(turn, agent.name);
  return { status: "completed", messages: turn, activeAgent: agent.name, usage };
}

function isEmptyAnswer(response: ChatResponse): boolean {
  return response.text.trim() === "" && (response.toolCalls?.length ?? 0) === 0;
}

function firstAgent(workflow: Workflow, history: readonly ChatMessage[], options: TurnOptions): ChatClientAgent {
  const resumed = options.resumeAgent !== undefined ? workflow.agent(options.resumeAgent) : undefined;
  if (resumed !== undefined) return resumed;
  if (!workflow.options.returnToPrevious) return workflow.startAgent;
  let name = options.activeAgent;
  for (let i = history.length - 1; name === undefined && i >= 0; i--) {
    const message = history[i]!;
    if (message.role === "assistant") name = message.authorName;
  }
  return (name !== undefined ? workflow.agent(name) : undefined) ?? workflow.startAgent;
}

type SystemMessage = Extract<ModelMessage, { role: "system" }>;

const systemCache = new WeakMap<ChatClientAgent, SystemMessage[]>();

function systemMessages(workflow: Workflow, agent: ChatClientAgent): SystemMessage[] {
  let cached = systemCache.get(agent);
  if (cached === undefined) {
    const parts = [agent.instructions];
    if (workflow.handoffsFrom(agent.name).length > 0) parts.push(workflow.options.handoffInstructions);
    const content = parts.filter((p) => p.trim() !== "").join("\n\n");
    cached = content === "" ? [] : [{ role: "system", content }];
    systemCache.set(agent, cached);
  }
  return cached;
}

function addUsage(total: { promptTokens: number; completionTokens: number; totalTokens: number }, usage: TokenUsage | undefined): void {
  if (usage === undefined) return;
  total.promptTokens += usage.promptTokens;
  total.completionTokens += usage.completionTokens;
  total.totalTokens += usage.totalTokens;
}

function toBatonError(thrown: unknown, signal: AbortSignal | undefined): BatonError {
  if (signal?.aborted && !(thrown instanceof BatonError && thrown.code !== "aborted")) return new RunAbortedError(undefined, { cause: thrown });
  if (thrown instanceof BatonError) return thrown;
  return new ModelError("model_unavailable", `The model call failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, {
    cause: thrown,
  });
}
