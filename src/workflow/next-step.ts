// What happens after an agent's response: every tool call answered, and the next step chosen (handoff, final, again, stop).

import type { ChatClientAgent } from "./agent.js";
import { RunAbortedError } from "./errors.js";
import { WorkflowWarningEvent } from "./events.js";
import { handoffReason, HANDOFF_PREFIX, isHandoffCall } from "./handoff-tools.js";
import { ChatMessage, type ToolCall } from "./messages.js";
import type { Workflow } from "./workflow.js";

/** What the loop does after an agent's response. */
export type NextStep =
  | { readonly kind: "final" }
  | { readonly kind: "handoff"; readonly to: ChatClientAgent; readonly reason: string }
  | { readonly kind: "run_again" }
  | { readonly kind: "stop"; readonly warning: WorkflowWarningEvent; readonly apology?: string };

export const UNROUTABLE_MESSAGE =
  "Sorry, I couldn't route your question to the right tutor. Could you rephrase it or say which subject it is about?";

/** Answers every tool call of the message and says what happens next. */
export async function decide(
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
