// The turn loop: runs agents one after another along handoffs until one answers without handing off.

import type { ChatClientAgent } from "./agent.js";
import type { ChatRequest, ChatResponse, ModelMessage } from "./chat-client.js";
import { BatonError, ModelError, RunAbortedError } from "./errors.js";
import {
  AgentResponseEvent,
  AgentRunUpdateEvent,
  HandoffEvent,
  WorkflowCompletedEvent,
  WorkflowErrorEvent,
  ToolResultEvent,
  WorkflowWarningEvent,
  type WorkflowEvent,
} from "./events.js";
import { handoffReason, HANDOFF_PREFIX, isHandoffCall, toolsFor } from "./handoff-tools.js";
import { historyView, requestMessages } from "./history-cache.js";
import { toModelMessages } from "./history-view.js";
import { ChatMessage, type TokenUsage, type ToolCall } from "./messages.js";
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

/** What the loop does after an agent's response. */
type NextStep =
  | { readonly kind: "final" }
  | { readonly kind: "handoff"; readonly to: ChatClientAgent; readonly reason: string }
  | { readonly kind: "run_again" }
  | { readonly kind: "stop"; readonly warning: WorkflowWarningEvent; readonly apology?: string };

export const UNROUTABLE_MESSAGE =
  "Sorry, I couldn't route your question to the right tutor. Could you rephrase it or say which subject it is about?";

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

/** Answers every tool call of the message and says what happens next. */
async function decide(
  workflow: Workflow,
  agent: ChatClientAgent,
  message: ChatMessage,
  handoffs: number,
  toolRounds: number,
  signal: AbortSignal | undefined,
): Promise<{ step: NextStep; results: ChatMessage[]; warnings: WorkflowWarningEvent[] }> {
  const calls = message.toolCalls ?? [];
  if (calls.length === 0) return { step: { kind: "final" }, results: [], warnings: [] };
  const results: ChatMessage[] = [];
  const warnings: WorkflowWarningEvent[] = [];
  const answer = (call: ToolCall, text: string): void => {
    results.push(new ChatMessage("tool", text, { authorName: agent.name, toolCallId: call.id }));
  };
  const allowed = new Set(workflow.handoffsFrom(agent.name).map((edge) => edge.to));
  let chosen: { to: ChatClientAgent; reason: string; call: ToolCall } | undefined;
  let refused = false;
  for (const call of calls) {
    if (isHandoffCall(call.name)) {
      const target = call.name.slice(HANDOFF_PREFIX.length);
      if (!allowed.has(target)) {
        refused = true;
        const options = [...allowed].map((name) => `handoff_to_${name}`).join(", ") || "none";
        answer(call, `Error: '${target}' is not an agent you can hand off to. Available handoffs: ${options}.`);
        warnings.push(new WorkflowWarningEvent("invalid_handoff", `${agent.name} asked for an undeclared handoff to '${target}'.`, agent.name));
      } else if (chosen !== undefined) {
        answer(call, `Ignored: the conversation was already handed off to ${chosen.to.name}.`);
      } else if (handoffs >= workflow.options.maxHandoffs) {
        answer(call, "Not performed: too many handoffs in this turn.");
        return {
          step: {
            kind: "stop",
            warning: new WorkflowWarningEvent(
              "max_handoffs_exceeded",
              `More than ${workflow.options.maxHandoffs} handoffs in one turn; the turn was ended.`,
              agent.name,
            ),
            apology: UNROUTABLE_MESSAGE,
          },
          results: answerRest(calls, call, results, agent.name),
          warnings,
        };
      } else {
        chosen = { to: workflow.agent(target)!, reason: handoffReason(call), call };
        answer(call, `Handed off to ${target}.`);
      }
      continue;
    }
    const tool = agent.tools.find((t) => t.name === call.name);
    if (tool === undefined) {
      answer(call, `Error: there is no function named '${call.name}'.`);
      continue;
    }
    answer(call, await invokeTool(tool, call, signal, warnings, agent.name));
  }
  if (chosen !== undefined) return { step: { kind: "handoff", to: chosen.to, reason: chosen.reason }, results, warnings };
  if (refused && handoffs >= workflow.options.maxHandoffs) {
    return {
      step: {
        kind: "stop",
        warning: new WorkflowWarningEvent(
          "max_handoffs_exceeded",
          `More than ${workflow.options.maxHandoffs} handoff attempts in one turn; the turn was ended.`,
          agent.name,
        ),
        apology: UNROUTABLE_MESSAGE,
      },
      results,
      warnings,
    };
  }
  if (!refused && toolRounds + 1 >= workflow.options.maxToolRounds) {
    return {
      step: {
        kind: "stop",
        warning: new WorkflowWarningEvent(
          "max_tool_rounds_exceeded",
          `${agent.name} called functions ${workflow.options.maxToolRounds} times in a row; the turn was ended.`,
          agent.name,
        ),
        apology: "Sorry, I couldn't finish working on that. Please try asking again.",
      },
      results,
      warnings,
    };
  }
  return { step: { kind: "run_again" }, results, warnings };
}

/** When the turn stops at one call, the calls after it still need a result for the history to stay valid. */
function answerRest(calls: readonly ToolCall[], stoppedAt: ToolCall, results: ChatMessage[], agentName: string): ChatMessage[] {
  const answered = new Set(results.map((r) => r.toolCallId));
  for (const call of calls.slice(calls.indexOf(stoppedAt) + 1)) {
    if (!answered.has(call.id)) {
      results.push(new ChatMessage("tool", "Not performed: the turn was ended.", { authorName: agentName, toolCallId: call.id }));
    }
  }
  return results;
}

async function invokeTool(
  tool: ChatClientAgent["tools"][number],
  call: ToolCall,
  signal: AbortSignal | undefined,
  warnings: WorkflowWarningEvent[],
  agentName: string,
): Promise<string> {
  let args: unknown;
  try {
    args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch {
    return `Error: the arguments of ${call.name} are not valid JSON.`;
  }
  try {
    return await tool.invoke(args, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw new RunAbortedError();
    warnings.push(new WorkflowWarningEvent("tool_failed", `Function ${call.name} failed: ${String(error)}`, agentName));
    return `Error: ${call.name} failed.`;
  }
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
