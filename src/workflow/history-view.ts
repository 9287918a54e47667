// What one agent sees: the conversation turned into model messages, with tool calls filtered and every call answered.

import type { ModelContentPart, ModelMessage } from "./chat-client.js";
import { isHandoffCall } from "./handoff-tools.js";
import type { ChatMessage, ToolCall } from "./messages.js";
import { CallPairing } from "./tool-call-pairing.js";
import type { ToolCallFiltering } from "./workflow.js";

const API_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The API's `name` field accepts only [A-Za-z0-9_-]{1,64}; a display name like "Ada L." is adapted to fit. */
export function apiName(name: string | undefined): string | undefined {
  if (name === undefined || name === "") return undefined;
  if (API_NAME.test(name)) return name;
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  return cleaned === "" ? undefined : cleaned;
}

/**
 * Author names as the API accepts them, each adapted once per turn. A conversation repeats a handful of authors, and a
 * thread mostly alternates student and tutor, so the last two are compared first (a string compare, no hashing).
 */
class AuthorNames {
  private lastName: string | undefined = undefined;
  private lastAdapted: string | undefined = undefined;
  private priorName: string | undefined = undefined;
  private priorAdapted: string | undefined = undefined;
  private readonly known = new Map<string, string | undefined>();

  adapted(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    if (name === this.lastName) return this.lastAdapted;
    let adapted: string | undefined;
    if (name === this.priorName) {
      adapted = this.priorAdapted;
    } else if (this.known.has(name)) {
      adapted = this.known.get(name);
    } else {
      adapted = apiName(name);
      this.known.set(name, adapted);
    }
    this.priorName = this.lastName;
    this.priorAdapted = this.lastAdapted;
    this.lastName = name;
    this.lastAdapted = adapted;
    return adapted;
  }
}

/**
 * Where a conversion stopped: the ids of calls dropped by filtering so far (their results are dropped too), the author
 * names adapted so far, and whether every call so far has its result. Lives for one turn.
 */
export class ConversionState {
  private constructor(
    readonly names: AuthorNames,
    public dropped: Set<string> | undefined,
    /** The pairing of calls and results in what was converted so far. */
    readonly pairing: CallPairing,
  ) {}

  static start(): ConversionState {
    return new ConversionState(new AuthorNames(), undefined, new CallPairing());
  }

  /** A state that goes on from this one without changing it (the adapted names are shared: they never change). */
  fork(): ConversionState {
    return new ConversionState(this.names, this.dropped === undefined ? undefined : new Set(this.dropped), this.pairing.fork());
  }

  drop(callId: string): void {
    (this.dropped ??= new Set()).add(callId);
  }
}

/**
 * Converts messages to model messages. `filtering` applies to every message; the caller passes the agent's own
 * messages of its current activation with filtering "none", so that it sees its own refused calls and their errors.
 */
export function toModelMessages(messages: readonly ChatMessage[], filtering: ToolCallFiltering): ModelMessage[] {
  const out: ModelMessage[] = [];
  appendModelMessages(out, messages, { from: 0, filtering }, ConversionState.start());
  return out;
}

/** Which messages to convert, and how: `filtering` applies to each of them. */
export interface ConversionRange {
  readonly from: number;
  /** Exclusive; the end of the list when absent. */
  readonly to?: number;
  readonly filtering: ToolCallFiltering;
}

/** Converts `messages[from, to)` into `out`, carrying `state` from the messages before them. */
export function appendModelMessages(out: ModelMessage[], messages: readonly ChatMessage[], range: ConversionRange, state: ConversionState): void {
  const end = range.to ?? messages.length;
  for (let i = range.from; i < end; i++) {
    const converted = toModelMessage(messages[i]!, range.filtering, state);
    if (converted === undefined) continue;
    out.push(converted);
    state.pairing.see(converted);
  }
}

/**
 * A whole history converted into a list allocated once at its full length (and cut to what was kept): growing a list
 * of thousands by push copies it a dozen times, garbage on every turn.
 */
export function convertHistory(messages: readonly ChatMessage[], filtering: ToolCallFiltering, state: ConversionState): ModelMessage[] {
  const out = new Array<ModelMessage>(messages.length);
  let kept = 0;
  for (let i = 0; i < messages.length; i++) {
    const converted = toModelMessage(messages[i]!, filtering, state);
    if (converted === undefined) continue;
    out[kept++] = converted;
    state.pairing.see(converted);
  }
  out.length = kept;
  return out;
}

function toModelMessage(message: ChatMessage, filtering: ToolCallFiltering, state: ConversionState): ModelMessage | undefined {
  switch (message.role) {
    case "system":
      return { role: "system", content: message.text };
    case "user": {
      const name = state.names.adapted(message.authorName);
      const content = message.hasMedia ? toContentParts(message) : message.text;
      return name === undefined ? { role: "user", content } : { role: "user", content, name };
    }
    case "assistant":
      return toAssistantMessage(message, filtering, state);
    case "tool":
      if (message.toolCallId === undefined || state.dropped?.has(message.toolCallId) === true) return undefined;
      return { role: "tool", toolCallId: message.toolCallId, content: message.text };
  }
}

type AssistantModelMessage = Extract<ModelMessage, { role: "assistant" }>;

/**
 * One assistant message for the model, or nothing when filtering leaves it empty. Each shape is one object literal
 * (no property added afterwards, no empty array per message): this runs for every message of every history converted.
 */
function toAssistantMessage(message: ChatMessage, filtering: ToolCallFiltering, state: ConversionState): AssistantModelMessage | undefined {
  const calls = message.toolCalls !== undefined && message.toolCalls.length > 0 ? message.toolCalls : undefined;
  let kept = calls;
  if (calls !== undefined && filtering !== "none") {
    kept = filtering === "all" ? undefined : keptCalls(calls);
    if (kept !== calls) for (const call of calls) if (kept === undefined || !kept.includes(call)) state.drop(call.id);
  }
  const text = message.text;
  if (kept === undefined && text === "") return undefined;
  const content = text === "" ? null : text;
  const name = state.names.adapted(message.authorName);
  if (kept === undefined) return name === undefined ? { role: "assistant", content } : { role: "assistant", content, name };
  return name === undefined ? { role: "assistant", content, toolCalls: kept } : { role: "assistant", content, name, toolCalls: kept };
}

/** The calls that survive "handoffOnly" filtering: the same array when nothing is dropped, undefined when all are. */
function keptCalls(calls: readonly ToolCall[]): readonly ToolCall[] | undefined {
  let handoffs = 0;
  for (const call of calls) if (isHandoffCall(call.name)) handoffs++;
  if (handoffs === 0) return calls;
  if (handoffs === calls.length) return undefined;
  return calls.filter((call) => !isHandoffCall(call.name));
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
