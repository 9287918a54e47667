// What one agent sees: the conversation turned into model messages, with tool calls filtered and every call answered.

import type { ModelContentPart, ModelMessage } from "./chat-client.js";
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
 * Where a conversion stopped: the ids of calls dropped by filtering so far (their results are dropped too), and the
 * author names adapted so far (a conversation repeats a handful of authors in every message). Lives for one turn.
 */
export interface ConversionState {
  dropped?: Set<string>;
  names?: Map<string, string | undefined>;
}

function adaptedName(name: string | undefined, state: ConversionState): string | undefined {
  if (name === undefined) return undefined;
  const names = (state.names ??= new Map());
  const known = names.get(name);
  if (known !== undefined || names.has(name)) return known;
  const adapted = apiName(name);
  names.set(name, adapted);
  return adapted;
}

/**
 * Converts messages to model messages. `filtering` applies to every message; the caller passes the agent's own
 * messages of its current activation with filtering "none", so that it sees its own refused calls and their errors.
 */
export function toModelMessages(messages: readonly ChatMessage[], filtering: ToolCallFiltering): ModelMessage[] {
  const out: ModelMessage[] = [];
  appendModelMessages(out, messages, 0, filtering, {});
  return out;
}

/** Converts `messages` from index `from` on into `out`, carrying `state` from the messages before `from`. */
export function appendModelMessages(
  out: ModelMessage[],
  messages: readonly ChatMessage[],
  from: number,
  filtering: ToolCallFiltering,
  state: ConversionState,
): void {
  for (let i = from; i < messages.length; i++) {
    const message = messages[i]!;
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.text });
        break;
      case "user": {
        const name = adaptedName(message.authorName, state);
        const content = message.hasMedia ? toContentParts(message) : message.text;
        out.push(name === undefined ? { role: "user", content } : { role: "user", content, name });
        break;
      }
      case "assistant": {
        const calls = message.toolCalls ?? [];
        const kept = filtering === "none" || calls.length === 0 ? calls : calls.filter((call) => keepsCall(call.name, filtering));
        if (kept.length !== calls.length) {
          state.dropped ??= new Set();
          for (const call of calls) if (!kept.includes(call)) state.dropped.add(call.id);
        }
        if (kept.length === 0 && message.text === "") break;
        // Built field by field rather than with spreads: this runs for every message of every history converted.
        const converted: { role: "assistant"; content: string | null; name?: string; toolCalls?: typeof kept } = {
          role: "assistant",
          content: message.text === "" ? null : message.text,
        };
        const name = adaptedName(message.authorName, state);
        if (name !== undefined) converted.name = name;
        if (kept.length > 0) converted.toolCalls = kept;
        out.push(converted);
        break;
      }
      case "tool":
        if (message.toolCallId === undefined || state.dropped?.has(message.toolCallId)) break;
        out.push({ role: "tool", toolCallId: message.toolCallId, content: message.text });
        break;
    }
  }
}

/** A message with an image becomes parts, in the order the student sent them; its text stays one part. */
function toContentParts(message: ChatMessage): ModelContentPart[] {
  const parts: ModelContentPart[] = [];
  for (const content of message.contents) {
    if (content.type === "text") {
      if (content.text !== "") parts.push({ type: "text", text: content.text });
    } else if (content.mediaType.startsWith("image/")) {
      const url = content.uri;
      const name = content.type === "data" ? content.name : undefined;
      parts.push(name === undefined ? { type: "image", url, mediaType: content.mediaType } : { type: "image", url, mediaType: content.mediaType, name });
    }
  }
  return parts;
}

/** Where a validity scan stopped: whether the list needs repair, and the calls still waiting for their results. */
export interface CallScan {
  broken: boolean;
  pending: Set<string> | undefined;
}

export function newCallScan(): CallScan {
  return { broken: false, pending: undefined };
}

/** Continues `scan` over `messages` from index `from` on; a fresh scan is the state at the start of a list. */
export function scanToolCalls(messages: readonly ModelMessage[], from: number, scan: CallScan): void {
  for (let i = from; i < messages.length && !scan.broken; i++) {
    const message = messages[i]!;
    if (message.role === "tool") {
      if (scan.pending === undefined || !scan.pending.delete(message.toolCallId)) scan.broken = true;
      continue;
    }
    if (scan.pending !== undefined && scan.pending.size > 0) scan.broken = true;
    scan.pending = message.role === "assistant" && message.toolCalls ? new Set(message.toolCalls.map((c) => c.id)) : undefined;
  }
}

/** Whether a list scanned to its end needs repair: a broken pair, or calls left without results at the end. */
export function needsRepair(scan: CallScan): boolean {
  return scan.broken || (scan.pending !== undefined && scan.pending.size > 0);
}

/**
 * Makes a message list valid for the API whatever history it came from (a cut window, a crash mid-turn): a tool call
 * without a result is removed from its message, a tool result that answers no pending call is dropped.
 */
export function ensureAnsweredToolCalls(messages: ModelMessage[]): ModelMessage[] {
  const scan = newCallScan();
  scanToolCalls(messages, 0, scan);
  return needsRepair(scan) ? repair(messages) : messages;
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
