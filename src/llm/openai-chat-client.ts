// The ChatClient adapter for OpenAI's chat.completions API (OpenAI, Azure OpenAI, any compatible server).

import { AzureOpenAI, type OpenAI } from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsBase,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatClient, ChatClientMetadata, ChatRequest, ChatResponse, ChatStreamPart } from "../workflow/chat-client.js";
import { ModelBehaviorError, ModelStreamInterruptedError, RunAbortedError, type BatonError } from "../workflow/errors.js";
import type { TokenUsage, ToolCall } from "../workflow/messages.js";
import { answerFilterError } from "./azure-content-filter.js";
import { batonErrorFromOpenAI } from "./openai-errors.js";
import { toOpenAIMessages, toOpenAITools, type ImageDetail } from "./openai-messages.js";
import { requireIdentity, ToolCallAssembler } from "./tool-call-assembler.js";

export interface OpenAIChatClientOptions {
  /** An `OpenAI` or `AzureOpenAI` instance; retries, backoff and timeouts are its own options. */
  readonly client: OpenAI;
  /** The model name; for Azure, the deployment name. */
  readonly model: string;
  /**
   * A stream that, once started, sends nothing for this long is abandoned as model_unavailable. Before it starts the
   * client's own `timeout` and retries apply (a request that gets no headers is tried again); that timeout stops
   * at the response headers; without this, a model that hangs mid-answer would hold its conversation forever.
   */
  readonly streamIdleTimeoutMs?: number;
  /** `detail` of every image part sent. Default "auto". */
  readonly imageDetail?: ImageDetail;
}

export class OpenAIChatClient implements ChatClient {
  readonly model: string;
  readonly metadata: ChatClientMetadata;
  readonly #client: OpenAI;
  readonly #idleTimeoutMs: number | undefined;
  readonly #imageDetail: ImageDetail;

  constructor(options: OpenAIChatClientOptions) {
    this.#client = options.client;
    this.model = options.model;
    this.metadata = { system: options.client instanceof AzureOpenAI ? "azure.ai.openai" : "openai", model: options.model };
    this.#idleTimeoutMs = options.streamIdleTimeoutMs;
    this.#imageDetail = options.imageDetail ?? "auto";
  }

  async getResponse(request: ChatRequest): Promise<ChatResponse> {
    let completion: ChatCompletion;
    try {
      completion = await this.#client.chat.completions.create(
        { ...this.#params(request), stream: false },
        { signal: request.signal },
      );
    } catch (error) {
      throw batonErrorFromOpenAI(error, request.signal);
    }
    return toChatResponse(completion);
  }

  async *getStreamingResponse(request: ChatRequest): AsyncIterable<ChatStreamPart> {
    const assembler = new ToolCallAssembler();
    let text = "";
    let finishReason: string | undefined;
    let usage: TokenUsage | undefined;
    const watchdog = new IdleWatchdog(this.#idleTimeoutMs, request.signal);
    // Once the response has started, a failure is past the client's own retries: it is reported as interrupted.
    let started = false;
    try {
      const stream = await this.#client.chat.completions.create(
        { ...this.#params(request), stream: true, stream_options: { include_usage: true } },
        { signal: watchdog.signal },
      );
      // Armed once the stream has started: until then the client's own timeout and retries (and retry-after) apply.
      started = true;
      watchdog.rearm();
      for await (const chunk of stream) {
        watchdog.rearm();
        // Chunks already buffered would keep coming after an abort; nothing is said past it.
        if (request.signal?.aborted) throw new RunAbortedError("The model request was aborted.");
        if (chunk.usage) usage = toTokenUsage(chunk.usage);
        // The usage chunk comes last, with no choices; we never ask for n > 1.
        const choice = chunk.choices.find((candidate) => candidate.index === 0);
        if (choice === undefined) continue;
        const delta = choice.delta.content ?? choice.delta.refusal;
        if (delta) {
          text += delta;
          yield { type: "text-delta", delta };
        }
        for (const call of choice.delta.tool_calls ?? []) assembler.add(call);
        if (choice.finish_reason) finishReason = choice.finish_reason;
        // Azure stops a filtered answer with finish_reason content_filter and says why in the same chunk.
        const filtered = answerFilterError(choice.finish_reason, (choice as { content_filter_results?: unknown }).content_filter_results);
        if (filtered !== undefined) throw filtered;
      }
    } catch (error) {
      if (watchdog.fired) throw watchdog.error();
      const failure = batonErrorFromOpenAI(error, request.signal);
      throw started ? interrupted(failure) : failure;
    } finally {
      watchdog.dispose();
    }
    if (watchdog.fired) throw watchdog.error();
    // The openai client ends a stream quietly when its signal fires; that is an abort, not an answer.
    if (request.signal?.aborted) throw new RunAbortedError("The model request was aborted.");
    if (finishReason === undefined) {
      throw new ModelStreamInterruptedError("The model's stream ended before the answer was finished.");
    }
    const response: ChatResponse = { text, toolCalls: assembler.finish(), finishReason };
    yield { type: "done", response: usage === undefined ? response : { ...response, usage } };
  }

  #params(request: ChatRequest): ChatCompletionCreateParamsBase {
    const tools = toOpenAITools(request.tools);
    const params: ChatCompletionCreateParamsBase = { model: this.model, messages: toOpenAIMessages(request.messages, { imageDetail: this.#imageDetail }) };
    if (tools !== undefined) params.tools = tools;
    return params;
  }
}

/** A mid-stream failure of the service or the connection as interrupted; aborts and content filters stay as they are. */
function interrupted(failure: BatonError): BatonError {
  if (failure.code !== "model_unavailable" || failure instanceof ModelStreamInterruptedError) return failure;
  return new ModelStreamInterruptedError(failure.message, { cause: failure });
}

function toTokenUsage(usage: CompletionUsage): TokenUsage {
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
}

function toChatResponse(completion: ChatCompletion): ChatResponse {
  const choice = completion.choices[0];
  if (choice === undefined) throw new ModelBehaviorError("The model service returned a completion with no choices.");
  const filtered = answerFilterError(choice.finish_reason, (choice as { content_filter_results?: unknown }).content_filter_results);
  if (filtered !== undefined) throw filtered;
  const message = choice.message;
  const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call, index) => {
    if (call.type !== "function") throw new ModelBehaviorError(`The model produced an unsupported ${call.type} tool call.`);
    return requireIdentity({ id: call.id, name: call.function.name, arguments: call.function.arguments }, index);
  });
  const response: ChatResponse = {
    text: message.content ?? message.refusal ?? "",
    toolCalls,
    finishReason: choice.finish_reason,
  };
  return completion.usage ? { ...response, usage: toTokenUsage(completion.usage) } : response;
}

/** Aborts a stream that has been silent for `timeoutMs` once armed (rearm), and forwards the caller's own abort. */
class IdleWatchdog {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number | undefined;
  readonly #outer: AbortSignal | undefined;
  readonly #forward = (): void => this.#controller.abort(this.#outer?.reason);
  #timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(timeoutMs: number | undefined, outer: AbortSignal | undefined) {
    this.#timeoutMs = timeoutMs;
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    outer?.addEventListener("abort", this.#forward, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  rearm(): void {
    if (this.#timeoutMs === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort();
    }, this.#timeoutMs);
  }

  error(): ModelStreamInterruptedError {
    return new ModelStreamInterruptedError(`The model sent nothing for ${this.#timeoutMs} ms and was given up on.`);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener("abort", this.#forward);
  }
}
