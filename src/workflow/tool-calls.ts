// Runs the agent's own functions a response asked for and turns every answer into the tool message the model gets back.

import type { FunctionTool } from "./agent.js";
import { RunAbortedError } from "./errors.js";
import { ChatMessage, type ToolCall } from "./messages.js";
import type { CallAnswer } from "./next-step.js";
import type { AgentPlan } from "./plan.js";

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
): Promise<ChatMessage[]> {
  const results: ChatMessage[] = [];
  const author = plan.agent.name;
  for (const answer of answers) {
    const text = answer.kind === "invoke" ? await invoke(plan.functions.get(answer.call.name)!, answer.call, signal, failures) : answer.text;
    results.push(new ChatMessage("tool", text, { authorName: author, toolCallId: answer.call.id }));
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
