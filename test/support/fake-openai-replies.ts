// Builds chat.completions response bodies and stream chunks, shaped like the real API's, from a scripted reply.

/** A tool call the fake model makes. `arguments` as a string is sent raw (use a non-JSON string for malformed
 * arguments); an object is JSON-encoded. An empty `id` or `name` is left out of the wire format entirely. */
export interface FakeToolCall {
  readonly name: string;
  readonly arguments?: string | Readonly<Record<string, unknown>>;
  readonly id?: string;
}

export interface FakeUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface ReplyContent {
  readonly text?: string;
  readonly toolCalls?: readonly FakeToolCall[];
  readonly usage?: FakeUsage;
  readonly finishReason?: "stop" | "length" | "tool_calls" | "content_filter";
  /** Azure only: the content filter's verdict on the answer, sent on the finishing choice (with finishReason content_filter). */
  readonly contentFilterResults?: Readonly<Record<string, unknown>>;
}

/** Per-request facts the bodies need: ids, the model echoed back, and the prompt size for default usage. */
export interface ReplyContext {
  readonly requestNumber: number;
  readonly model: string;
  readonly promptChars: number;
  readonly includeUsage: boolean;
}

interface WireToolCall {
  readonly id?: string;
  readonly name?: string;
  readonly arguments: string;
}

function wireToolCalls(content: ReplyContent, context: ReplyContext): WireToolCall[] {
  return (content.toolCalls ?? []).map((call, i) => {
    const id = call.id ?? `call_fake_${context.requestNumber}_${i}`;
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
    return { ...(id === "" ? {} : { id }), ...(call.name === "" ? {} : { name: call.name }), arguments: args };
  });
}

function usageOf(content: ReplyContent, context: ReplyContext, calls: readonly WireToolCall[]) {
  const callChars = calls.reduce((n, call) => n + (call.name ?? "").length + call.arguments.length, 0);
  const completionChars = (content.text ?? "").length + callChars;
  const prompt = content.usage?.promptTokens ?? Math.ceil(context.promptChars / 4);
  const completion = content.usage?.completionTokens ?? Math.ceil(completionChars / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function finishReasonOf(content: ReplyContent, calls: readonly WireToolCall[]): string {
  return content.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
}

/** A non-streaming "chat.completion" object. */
export function completionBody(content: ReplyContent, context: ReplyContext): Record<string, unknown> {
  const calls = wireToolCalls(content, context);
  const message: Record<string, unknown> = {
    role: "assistant",
    content: content.text ?? (calls.length > 0 ? null : ""),
    refusal: null,
  };
  if (calls.length > 0) {
    message.tool_calls = calls.map((call) => ({
      ...(call.id === undefined ? {} : { id: call.id }),
      type: "function",
      function: { ...(call.name === undefined ? {} : { name: call.name }), arguments: call.arguments },
    }));
  }
  return {
    id: `chatcmpl-fake-${context.requestNumber}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(content, calls), ...filterResults(content) }],
    usage: usageOf(content, context, calls),
  };
}

function filterResults(content: ReplyContent): { content_filter_results?: Readonly<Record<string, unknown>> } {
  return content.contentFilterResults === undefined ? {} : { content_filter_results: content.contentFilterResults };
}

/** Splits into roughly `parts` pieces so that clients must reassemble them. */
function split(text: string, parts: number): string[] {
  if (text.length <= 1) return [text];
  const size = Math.ceil(text.length / parts);
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}

/** The "chat.completion.chunk" objects of a streamed answer, usage last when asked for; [DONE] is the server's job. */
export function streamChunks(content: ReplyContent, context: ReplyContext): Record<string, unknown>[] {
  const calls = wireToolCalls(content, context);
  const base = {
    id: `chatcmpl-fake-${context.requestNumber}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: context.model,
  };
  const withUsage: { usage?: null } = context.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason, ...(finishReason === null ? {} : filterResults(content)) }],
    ...withUsage,
  });
  const text = content.text ?? "";
  const chunks: Record<string, unknown>[] = [chunk({ role: "assistant", content: text === "" && calls.length > 0 ? null : "", refusal: null })];
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) chunks.push(chunk({ content: piece }));
  calls.forEach((call, index) => {
    // The real API sends id, type and name once, with empty arguments, then the arguments in pieces.
    const id = call.id === undefined ? {} : { id: call.id };
    const name = call.name === undefined ? {} : { name: call.name };
    chunks.push(chunk({ tool_calls: [{ index, ...id, type: "function", function: { ...name, arguments: "" } }] }));
    for (const piece of split(call.arguments, 3)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, finishReasonOf(content, calls)));
  if (context.includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(content, context, calls) });
  return chunks;
}
