// Every tool call in a model request has its result right after it: checked as a request is built, repaired if not.

import type { ModelMessage } from "./chat-client.js";

/**
 * Where a pairing check stopped: whether the list needs repair, and the calls still waiting for their results. Fed one
 * message at a time as a request is built, so a history is checked in the same pass that converts it.
 */
export class CallPairing {
  private broken = false;
  private pending: Set<string> | undefined = undefined;

  /** A check that goes on from this one without changing it. */
  fork(): CallPairing {
    const copy = new CallPairing();
    copy.broken = this.broken;
    copy.pending = this.pending === undefined ? undefined : new Set(this.pending);
    return copy;
  }

  /** The next message of the list. */
  see(message: ModelMessage): void {
    if (this.broken) return;
    if (message.role === "tool") {
      if (this.pending === undefined || !this.pending.delete(message.toolCallId)) this.broken = true;
      return;
    }
    if (this.pending !== undefined) {
      if (this.pending.size > 0) {
        this.broken = true;
        return;
      }
      this.pending = undefined;
    }
    if (message.role === "assistant" && message.toolCalls !== undefined) this.pending = new Set(message.toolCalls.map((c) => c.id));
  }

  /** Whether the list seen so far, were it to end here, needs repair: a broken pair, or calls left without results. */
  get needsRepair(): boolean {
    return this.broken || (this.pending !== undefined && this.pending.size > 0);
  }
}

/**
 * Makes a message list valid for the API whatever history it came from (a cut window, a crash mid-turn): a tool call
 * without a result is removed from its message, a tool result that answers no pending call is dropped.
 */
export function ensureAnsweredToolCalls(messages: ModelMessage[]): ModelMessage[] {
  const pairing = new CallPairing();
  for (const message of messages) pairing.see(message);
  return pairing.needsRepair ? repair(messages) : messages;
}

export function repair(messages: readonly ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === "tool") continue; // re-added right after the call they answer
    if (message.role !== "assistant" || message.toolCalls === undefined) {
      out.push(message);
      continue;
    }
    const results = new Map<string, ModelMessage>();
    for (let j = i + 1; j < messages.length && messages[j]!.role === "tool"; j++) {
      const result = messages[j] as Extract<ModelMessage, { role: "tool" }>;
      if (!results.has(result.toolCallId)) results.set(result.toolCallId, result);
    }
    const answered = message.toolCalls.filter((call) => results.has(call.id));
    if (answered.length > 0) {
      out.push({ ...message, toolCalls: answered });
      for (const call of answered) out.push(results.get(call.id)!);
    } else if (message.content !== null && message.content !== "") {
      const { toolCalls: _dropped, ...rest } = message;
      out.push(rest);
    }
  }
  return out;
}
