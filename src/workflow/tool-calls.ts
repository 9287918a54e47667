// Runs the agent's own functions a response asked for and turns every answer into the tool message the model gets back.

import type { FunctionTool } from "./agent.js";
import { RunAbortedError } from "./errors.js";
import { ChatMessage, type ToolCall } from "./messages.js";
import type { CallAnswer } from "./next-step.js";
import type { AgentPlan } from "./plan.js";

/** Wraps each function call (tracing); the default does nothing. */
export interface ToolCallObserver {
  start(call: ToolCall): unknown;
  end(token: unknown, result: ChatMessage, failed: boolean): void;
}

export interface ToolFailure {
  readonly call: ToolCall;
  readonly error: unknown;
}

/** One tool message per call, in the calls' order; the functions run one after another. */
export async function toolResults(
  plan: AgentPlan,
  answers: readonly CallAnswer[],
  signal: AbortSignal | undefined,
  failures: ToolFailure[],
  observer?: ToolCallObserver,
): Promise<ChatMessage[]> {
  const results: ChatMessage[] = [];
  const author = plan.agent.name;
  for (const answer of answers) {
    if (answer.kind !== "invoke") {
      results.push(new ChatMessage("tool", answer.text, { authorName: author, toolCallId: answer.call.id }));
      continue;
    }
    const token = observer?.start(answer.call);
    const failedBefore = failures.length;
    const text = await invoke(plan.functions.get(answer.call.name)!, answer.call, signal, failures);
    const result = new ChatMessage("tool", text, { authorName: author, toolCallId: answer.call.id });
    observer?.end(token, result, failures.length > failedBefore);
    results.push(result);
  }
  return results;
}

async function invoke(tool: FunctionTool, call: ToolCall, signal: AbortSignal | undefined, failures: ToolFailure[]): Promise<string> {
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
    failures.push({ call, error });
    return `Error: ${call.name} failed.`;
  }
}
