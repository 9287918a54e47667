// The turn loop: runs agents one after another along handoffs until one answers, a cap stops it, or a human is asked.

import type { Span } from "@opentelemetry/api";
import type { ChatClientAgent } from "./agent.js";
import type { ChatResponse } from "./chat-client.js";
import { BatonError, ModelBehaviorError, ModelError, ModelStreamInterruptedError, RunAbortedError } from "./errors.js";
import {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  AgentStepEvent,
  AgentStepRetryEvent,
  HandoffEvent,
  HumanInputRequestEvent,
  ToolResultEvent,
  WorkflowCompletedEvent,
  WorkflowErrorEvent,
  WorkflowWarningEvent,
  type WorkflowEvent,
} from "./events.js";
import { ChatMessage, type TokenUsage } from "./messages.js";
import { answerToolCalls, chooseNextStep, type NextStep } from "./next-step.js";
import { toolResults, type ToolFailure } from "./tool-calls.js";
import { TurnTracing } from "./tracing.js";
import { TurnView } from "./turn-view.js";
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
  /** Told the outcome as the turn returns it, so that a run's result settles without wrapping each event. */
  readonly onSettled?: (result: TurnResult) => void;
  /** Told what the turn threw instead of returning an outcome. */
  readonly onFailed?: (error: unknown) => void;
}

/** A turn that ended by handing the conversation to a person. */
export interface HumanInputRequest {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface TurnResult {
  readonly status: "completed" | "failed";
  /** The messages this turn added (all of them, also on failure). */
  readonly messages: ChatMessage[];
  /** The agent the next user message goes to when return-to-previous is on. */
  readonly activeAgent: string;
  readonly usage: TokenUsage;
  readonly error?: BatonError;
  /** Set when the turn ended with a handoff to a human participant. */
  readonly humanInputRequest?: HumanInputRequest;
}

/** One turn of a handoff workflow over `history`, as events; the generator's return value is the outcome. */
export async function* runHandoffTurn(
  workflow: Workflow,
  history: readonly ChatMessage[],
  options: TurnOptions,
): AsyncGenerator<WorkflowEvent, TurnResult> {
  try {
    const turn: ChatMessage[] = [];
    const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const emitResponses = workflow.options.emitAgentResponseEvents;
    let plan = workflow.plan(firstAgent(workflow, history, options).name)!;
    const view = new TurnView(history, workflow.options.toolCallFiltering);
    const counters = { handoffs: 0, toolRounds: 0, continuations: 0 };
    let activationStart = 0;
    let continuation: string | undefined;
    let humanInputRequest: HumanInputRequest | undefined;
    // An empty answer (no text, no tool call) is a model failure: asked once more, then the turn fails.
    let emptyAnswers = 0;
    // A stream that breaks after it started is past the client's retries: the step is asked once more, then the turn fails.
    let interruptions = 0;
    const tracing = await TurnTracing.start(workflow.options.traceContent, workflow.name, history.length);
    let stepSpan: Span | undefined;
    let modelSpan: Span | undefined;

    try {
      for (;;) {
        if (options.signal?.aborted) throw new RunAbortedError();
        const agent = plan.agent;
        const request = {
          messages: view.request(plan.system, turn, activationStart, continuation),
          tools: plan.tools,
          ...(options.signal ? { signal: options.signal } : {}),
        };
        stepSpan ??= tracing.startStep(agent.name);
        modelSpan = tracing.startModelCall(stepSpan, agent.client, request);
        // The stream is read here rather than in a delegated generator: one async hop less for each text delta.
        let response: ChatResponse | undefined;
        if (!options.streaming) {
          response = await agent.client.getResponse(request);
        } else {
          try {
            for await (const part of agent.client.getStreamingResponse(request)) {
              if (part.type === "done") response = part.response;
              else if (options.emitUpdates && part.delta !== "") yield new AgentRunUpdateEvent(agent.name, part.delta);
            }
            if (response === undefined) throw new ModelStreamInterruptedError(`The model's stream for ${agent.name} ended without a response.`);
          } catch (thrown) {
            // Nothing of the step is kept or posted before its end (the partial text is dropped), so asking again is safe.
            if (!(thrown instanceof ModelStreamInterruptedError) || options.signal?.aborted || ++interruptions > 1) throw thrown;
            tracing.fail(modelSpan, thrown);
            modelSpan.end();
            modelSpan = undefined;
            yield new AgentStepRetryEvent(agent.name, "stream_interrupted", thrown.message);
            continue;
          }
        }
        tracing.endModelCall(modelSpan, response);
        modelSpan = undefined;
        addUsage(usage, response.usage);
        if (isEmptyAnswer(response)) {
          if (++emptyAnswers > 1) throw new ModelBehaviorError(`${agent.name} gave an empty answer twice (no text, no tool call).`);
          yield new AgentStepRetryEvent(agent.name, "empty_answer", `${agent.name} gave an empty answer (no text, no tool call).`);
          continue;
        }
        emptyAnswers = 0;
        interruptions = 0;
        const message = new ChatMessage("assistant", response.text, {
          authorName: agent.name,
          toolCalls: response.toolCalls,
          ...(response.usage ? { usage: response.usage } : {}),
        });
        turn.push(message);
        if (emitResponses) yield new AgentResponseEvent(agent.name, message, response.usage);

        const answers = answerToolCalls(plan, message.toolCalls ?? [], counters, workflow.options);
        const failures: ToolFailure[] = [];
        const step = stepSpan;
        const results = await toolResults(plan, answers, options.signal, failures, {
          start: (call) => tracing.startToolCall(step, call),
          end: (span, result, failed) => tracing.endToolCall(span as Span, result, failed),
        });
        turn.push(...results);
        if (emitResponses) for (const result of results) yield new ToolResultEvent(agent.name, result);
        for (const answer of answers) {
          if (answer.kind === "refused") {
            yield new WorkflowWarningEvent("invalid_handoff", `${agent.name} asked for an undeclared handoff to '${answer.target}'.`, agent.name);
          }
        }
        for (const failure of failures) {
          yield new WorkflowWarningEvent("tool_failed", `Function ${failure.call.name} failed: ${String(failure.error)}`, agent.name);
        }

        let next: NextStep = chooseNextStep(plan, answers, counters, workflow.options);
        const terminated =
          next.kind !== "stop" &&
          (workflow.options.terminationCondition?.({ messages: [...history, ...turn], turnMessages: turn, agent: agent.name }) ?? false);
        if (terminated) next = { kind: "final" };
        let closing: ChatMessage | undefined;
        if (next.kind === "stop") {
          yield new WorkflowWarningEvent(next.code, stopWarning(next.code, agent.name, workflow, answers.some((a) => a.kind === "not_performed")), agent.name);
          closing = new ChatMessage("assistant", next.text, { authorName: agent.name });
          turn.push(closing);
          if (emitResponses) yield new AgentResponseEvent(agent.name, closing, undefined);
        }
        tracing.endStep(stepSpan, next);
        stepSpan = undefined;
        if (next.kind === "handoff") tracing.handoff(step, agent.name, next.to, next.reason, workflow.human(next.to) !== undefined);
        yield new AgentStepEvent(agent.name, message, results, next, closing);

        continuation = undefined;
        if (next.kind === "final" || next.kind === "stop") break;
        if (next.kind === "handoff") {
          counters.handoffs++;
          if (emitResponses) yield new HandoffEvent(agent.name, next.to, next.reason, message);
          const human = workflow.human(next.to);
          if (human !== undefined) {
            humanInputRequest = { from: agent.name, to: human.name, reason: next.reason };
            yield new HumanInputRequestEvent(agent.name, human.name, next.reason);
            break;
          }
          plan = workflow.plan(next.to)!;
          activationStart = turn.length;
          counters.toolRounds = 0;
          counters.continuations = 0;
        } else if (next.because === "undeclared_handoff") {
          counters.handoffs++;
        } else if (next.because === "autonomous") {
          counters.continuations++;
          continuation = plan.autonomous!.continuationPrompt;
        } else {
          counters.toolRounds++;
        }
      }
    } catch (thrown) {
      const error = toRunError(thrown, options.signal);
      for (const span of [modelSpan, stepSpan]) {
        if (span === undefined) continue;
        tracing.fail(span, error);
        span.end();
      }
      tracing.endTurn("failed", plan.agent.name, error);
      yield new WorkflowErrorEvent(error, turn);
      return settled(options, { status: "failed", messages: turn, activeAgent: plan.agent.name, usage, error });
    }
    const activeAgent = plan.agent.name;
    tracing.endTurn("completed", activeAgent);
    yield new WorkflowCompletedEvent(turn, activeAgent);
    return settled(options, { status: "completed", messages: turn, activeAgent, usage, ...(humanInputRequest ? { humanInputRequest } : {}) });
  } catch (thrown) {
    // Only what escapes the turn's own handling (a watcher's throw() at a yield, a failing tracer): the run fails with it.
    options.onFailed?.(thrown);
    throw thrown;
  }
}

function settled(options: TurnOptions, result: TurnResult): TurnResult {
  options.onSettled?.(result);
  return result;
}

function isEmptyAnswer(response: ChatResponse): boolean {
  return response.text.trim() === "" && (response.toolCalls?.length ?? 0) === 0;
}

function stopWarning(code: string, agent: string, workflow: Workflow, capped: boolean): string {
  if (code === "max_tool_rounds_exceeded") {
    return `${agent} called functions ${workflow.options.maxToolRounds} times in a row; the turn was ended.`;
  }
  return capped
    ? `More than ${workflow.options.maxHandoffs} handoffs in one turn; the turn was ended.`
    : `More than ${workflow.options.maxHandoffs} handoff attempts in one turn; the turn was ended.`;
}

/** The agent that answers first in a turn: the one resumed, the returning one (returnToPrevious), else the start agent. */
export function firstAgent(workflow: Workflow, history: readonly ChatMessage[], options: Pick<TurnOptions, "activeAgent" | "resumeAgent">): ChatClientAgent {
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

function addUsage(total: { promptTokens: number; completionTokens: number; totalTokens: number }, usage: TokenUsage | undefined): void {
  if (usage === undefined) return;
  total.promptTokens += usage.promptTokens;
  total.completionTokens += usage.completionTokens;
  total.totalTokens += usage.totalTokens;
}

/** Any failure of a run as the engine's error: an abort, a typed error as it is, anything else as an unavailable model. */
function toRunError(thrown: unknown, signal: AbortSignal | undefined): BatonError {
  if (signal?.aborted && !(thrown instanceof BatonError && thrown.code !== "aborted")) return new RunAbortedError(undefined, { cause: thrown });
  if (thrown instanceof BatonError) return thrown;
  return new ModelError("model_unavailable", `The model call failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, {
    cause: thrown,
  });
}
