// What one agent sees: the conversation turned into model messages, with tool calls filtered and every call answered.

import type { ModelMessage } from "./chat-client.js";
import { isHandoffCall } from "./handoff-tools.js";
import type { ChatMessage } from "./messages.js";
import type { ToolCallFiltering } from "./workflow.js";

const API_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The API's `name` field accepts only [A-Za-z0-9_-]{1,64}; a display name like "Ada L." is adapted to fit. */
export function apiName(name: string | undefined): string | undefined {
  if (name === undefined || name === "") return undefined;
  if (API_NAME.test(name)) return name;
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  return cleaned === "" ? undefined : cleaned;
}

function keepsCall(name: string, filtering: ToolCallFiltering): boolean {
  if (filtering === "none") return true;
  if (filtering === "all") return false;
  return !isHandoffCall(name);
}

/**
 * Converts messages to model messages. `filtering` applies to every message; the caller passes the agent's own
 * messages of its current activation with filtering "none", so that it sees its own refused calls and their errors.
 */
export function toModelMessages(messages: readonly ChatMessage[], filtering: ToolCallFiltering): ModelMessage[] {
  const out: ModelMessage[] = [];
  // Ids of calls dropped by filtering: their results are dropped too.
  let dropped: Set<string> | undefined;
  for (const message of messages) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.text });
        break;
      case "user": {
        const name = apiName(message.authorName);
        out.push(name === undefined ? { role: "user", content: message.text } : { role: "user", content: message.text, name });
        break;
      }
      case "assistant": {
        const calls = message.toolCalls ?? [];
        const kept = filtering === "none" ? calls : calls.filter((call) => keepsCall(call.name, filtering));
        if (kept.length !== calls.length) {
          dropped ??= new Set();
          for (const call of calls) if (!kept.includes(call)) dropped.add(call.id);
        }
        if (kept.length === 0 && message.text === "") break;
        const name = apiName(message.authorName);
        out.push({
          role: "assistant",
          content: message.text === "" ? null : message.text,
          ...(name === undefined ? {} : { name }),
          ...(kept.length === 0 ? {} : { toolCalls: kept }),
        });
        break;
      }
      case "tool":
        if (message.toolCallId === undefined || dropped?.has(message.toolCallId)) break;
        out.push({ role: "tool", toolCallId: message.toolCallId, content: message.text });
        break;
    }
  }
  return out;
}

/**
 * Makes a message list valid for the API whatever history it came from (a cut window, a crash mid-turn): a tool call
 * without a result is removed from its message, a tool result that answers no pending call is dropped.
 */
export function ensureAnsweredToolCalls(messages: ModelMessage[]): ModelMessage[] {
  let needsRepair = false;
  let pending: Set<string> | undefined;
  for (const message of messages) {
    if (message.role === "tool") {
      if (pending === undefined || !pending.delete(message.toolCallId)) needsRepair = true;
      continue;
    }
    if (pending !== undefined && pending.size > 0) needsRepair = true;
    pending = message.role === "assistant" && message.toolCalls ? new Set(message.toolCalls.map((c) => c.id)) : undefined;
    if (needsRepair) break;
  }
  if (pending !== undefined && pending.size > 0) needsRepair = true;
  return needsRepair ? repair(messages) : messages;
}

function repair(messages: readonly ModelMessage[]): ModelMessage[] {
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
