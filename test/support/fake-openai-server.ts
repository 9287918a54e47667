// A strict OpenAI-compatible chat-completions server on 127.0.0.1 (OpenAI and Azure routes) with scripted replies and faults.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { completionBody, streamChunks, type ReplyContent } from "./fake-openai-replies.js";
import { authProblem, chatProblem, modelRoute, type FakeCatalog } from "./fake-openai-models.js";
import { findRequestProblem } from "./fake-openai-validate.js";
import { createModerationHandler, type FakeModerations } from "./fake-openai-moderations.js";

export type { FakeToolCall, FakeUsage } from "./fake-openai-replies.js";
export type { FakeCatalog, FakeModel } from "./fake-openai-models.js";

/** When to answer: after `delayMs`, and only once `stallUntil` settles (a promise the test controls). */
export interface FakeTiming {
  readonly delayMs?: number;
  readonly stallUntil?: Promise<unknown>;
}

export interface FakeReply extends ReplyContent, FakeTiming {
  /**
   * Streaming: destroy the socket after this many SSE events (with holdAfterChunks at the same count: once released).
   * Non-streaming: destroy it instead of answering.
   */
  readonly cutAfterChunks?: number;
  /** Streaming: after this many SSE events, end the stream politely with [DONE], unfinished (a proxy that lost its upstream). */
  readonly endAfterChunks?: number;
  /** Streaming: after this many SSE events, go silent with the connection open (a model that hangs mid-answer). */
  readonly stallAfterChunks?: number;
  /** Streaming: after `chunks` SSE events, wait for `until` before sending the rest (a model still writing). */
  readonly holdAfterChunks?: { readonly chunks: number; readonly until: Promise<unknown> };
  /** Streaming: wait this long between SSE events (a model writing at its own pace). */
  readonly chunkIntervalMs?: number;
}

/** An HTTP error with an OpenAI-shaped body, e.g. `{ status: 429, retryAfterSeconds: 0 }` or `{ status: 500 }`. */
export interface FakeFailure extends FakeTiming {
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly message?: string;
  readonly code?: string;
  /** Azure's details of a content-filter refusal (`{ code: "ResponsibleAIPolicyViolation", content_filter_result }`). */
  readonly innererror?: Readonly<Record<string, unknown>>;
}

export type FakeScript = FakeReply | FakeFailure;

export interface RecordedRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body as sent; its shape is only guaranteed when `rejection` is undefined. */
  readonly body: ChatCompletionCreateParams;
  readonly stream: boolean;
  /** Azure route only. */
  readonly deployment?: string;
  readonly apiVersion?: string;
  readonly apiKey?: string;
  readonly authorization?: string;
  /** The 400 message when the fake refused the request as the real API would. */
  rejection?: string;
}

export type FakeResponder = (request: RecordedRequest) => FakeScript | Promise<FakeScript>;

export interface FakeOpenAI {
  /** Base URL for `new OpenAI({ baseURL })`, including /v1. */
  readonly url: string;
  /** For `new AzureOpenAI({ endpoint })`. */
  readonly azureEndpoint: string;
  /** Every request, in arrival order, recorded before it is answered (even the refused ones). */
  readonly requests: readonly RecordedRequest[];
  /** Scripted answers, used first-in first-out before the responder. */
  enqueue(...scripts: FakeScript[]): void;
  /** Computes answers once the queue is empty; the default echoes the last user message. */
  setResponder(responder: FakeResponder): void;
  /** How many enqueued scripts are still unused. */
  pendingScripts(): number;
  /** POST /v1/moderations: its own record and scripts (chat requests above never include it). */
  readonly moderations: FakeModerations;
  /** Resolves once `count` requests have arrived (counting the ones already here). */
  waitForRequests(count: number): Promise<readonly RecordedRequest[]>;
  /** Resolves when the client closes the connection of this chat request before its answer was complete (an abort). */
  waitForHangUp(request: RecordedRequest): Promise<void>;
  close(): Promise<void>;
}

/** The text of the last user message, for responders that route by what the student asked. */
export function lastUserText(request: RecordedRequest): string {
  const messages = Array.isArray(request.body.messages) ? request.body.messages : [];
  const last = messages.filter((message) => message.role === "user").at(-1);
  if (last === undefined) return "";
  if (typeof last.content === "string") return last.content;
  return last.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** The names of the function tools the request offers. */
export function offeredToolNames(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).flatMap((tool) => (tool.type === "function" ? [tool.function.name] : []));
}

const defaultResponder: FakeResponder = (request) => ({ text: `Fake reply to: ${lastUserText(request)}` });
const AZURE_ROUTE = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export interface FakeOpenAIOptions {
  /** Keys, models and vision, checked as OpenAI checks them; without it, any key and any model name are accepted. */
  readonly catalog?: FakeCatalog;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queue: FakeScript[] = [];
  const waiters: { count: number; resolve: (all: readonly RecordedRequest[]) => void }[] = [];
  let responder = defaultResponder;
  const moderations = createModerationHandler();
  const hangUps = new WeakMap<RecordedRequest, Promise<void>>();

  function record(request: RecordedRequest): void {
    requests.push(request);
    for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve([...requests]);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const azure = AZURE_ROUTE.exec(url.pathname);
    const { catalog } = options;
    if (catalog !== undefined) {
      const answer = authProblem(catalog, req) ?? modelRoute(catalog, req.method ?? "GET", url.pathname);
      if (answer !== undefined) return sendJson(res, answer.status, answer.body);
    }
    if (req.method === "POST" && url.pathname === "/v1/moderations") {
      await moderations.released();
      if (res.destroyed) return; // the client is gone (killed) while the request was held
      const answer = moderations.answer(req.headers, parseJson(raw) ?? raw);
      const headers: Record<string, string> = answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
      return sendJson(res, answer.status, answer.json, headers);
    }
    if (req.method !== "POST" || (url.pathname !== "/v1/chat/completions" && azure === null)) {
      return sendError(res, 404, { message: `Unknown route ${req.method} ${url.pathname}`, param: null, code: "unknown_url" });
    }
    const body = parseJson(raw);
    const request: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: (body ?? {}) as ChatCompletionCreateParams,
      stream: isRecordWith(body, "stream", true),
      ...optional("deployment", azure?.[1] === undefined ? undefined : decodeURIComponent(azure[1])),
      ...optional("apiVersion", url.searchParams.get("api-version") ?? undefined),
      ...optional("apiKey", headerValue(req.headers["api-key"])),
      ...optional("authorization", req.headers.authorization),
    };
    hangUps.set(request, new Promise((resolve) => res.once("close", () => (res.writableFinished ? undefined : resolve()))));
    record(request);
    const requestNumber = requests.length;
    const problem =
      body === undefined
        ? { message: "We could not parse the JSON body of your request.", param: null, code: null }
        : azure !== null && request.apiVersion === undefined
          ? { message: "Missing required query parameter 'api-version'.", param: "api-version", code: "missing_required_parameter" }
          : findRequestProblem(body, { modelRequired: azure === null });
    if (problem !== undefined) {
      request.rejection = problem.message;
      return sendError(res, 400, problem);
    }
    const refused = catalog !== undefined && azure === null ? chatProblem(catalog, body) : undefined;
    if (refused !== undefined) {
      request.rejection = JSON.stringify(refused.body);
      return sendJson(res, refused.status, refused.body);
    }
    const script = queue.shift() ?? (await responder(request));
    if (script.delayMs !== undefined) await delay(script.delayMs);
    if (script.stallUntil !== undefined) await script.stallUntil;
    if (res.destroyed) return; // the client gave up (aborted) while we were stalled
    if ("status" in script) return sendFailure(res, script);
    const context = {
      requestNumber,
      model: request.body.model ?? request.deployment ?? "fake-model",
      promptChars: JSON.stringify(request.body.messages ?? []).length,
      includeUsage: request.body.stream_options?.include_usage === true,
    };
    if (!request.stream) {
      if (script.cutAfterChunks !== undefined) return void res.destroy();
      return sendJson(res, 200, completionBody(script, context));
    }
    const chunks = streamChunks(script, context);
    if (script.stallAfterChunks !== undefined) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      for (const chunk of chunks.slice(0, script.stallAfterChunks)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      return;
    }
    if (script.holdAfterChunks !== undefined || script.chunkIntervalMs !== undefined) return pacedStream(res, chunks, script);
    sendStream(res, chunks.slice(0, script.endAfterChunks ?? chunks.length), script.cutAfterChunks);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, { message: `Fake server failure: ${String(error)}`, param: null, code: null });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    azureEndpoint: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...scripts) => void queue.push(...scripts),
    setResponder: (next) => void (responder = next),
    pendingScripts: () => queue.length,
    moderations,
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve([...requests])
        : new Promise((resolve) => waiters.push({ count, resolve })),
    waitForHangUp: (request) => hangUps.get(request) ?? Promise.reject(new Error("not a chat request of this fake")),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isRecordWith(value: unknown, key: string, expected: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[key] === expected;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: { message: string; param: string | null; code: string | null }): void {
  sendJson(res, status, { error: { ...error, type: "invalid_request_error" } });
}

function sendFailure(res: ServerResponse, failure: FakeFailure): void {
  const type = failure.status === 429 ? "rate_limit_exceeded" : failure.status >= 500 ? "server_error" : "invalid_request_error";
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) headers["retry-after"] = String(failure.retryAfterSeconds);
  const error = {
    message: failure.message ?? `Fake failure ${failure.status}`,
    type,
    param: null,
    code: failure.code ?? null,
    ...(failure.innererror === undefined ? {} : { innererror: failure.innererror }),
  };
  sendJson(res, failure.status, { error }, headers);
}

/** A stream sent at the model's pace: events spaced by chunkIntervalMs, or held after holdAfterChunks until released. */
async function pacedStream(res: ServerResponse, chunks: readonly Record<string, unknown>[], script: FakeReply): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  // With cutAfterChunks: the socket is destroyed after that many events (once a hold there is released), flushed first.
  const cut = (): Promise<void> => new Promise<void>((resolve) => res.write("", () => resolve())).then(() => void res.destroy());
  for (const [i, chunk] of chunks.entries()) {
    if (res.destroyed) return;
    if (script.holdAfterChunks !== undefined && i === script.holdAfterChunks.chunks) await script.holdAfterChunks.until;
    else if (script.chunkIntervalMs !== undefined && i > 0) await delay(script.chunkIntervalMs);
    if (res.destroyed) return;
    if (i === script.cutAfterChunks) return cut();
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  if (script.cutAfterChunks !== undefined) return cut();
  res.end("data: [DONE]\n\n");
}

function sendStream(res: ServerResponse, chunks: readonly Record<string, unknown>[], cutAfter: number | undefined): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  // Destroying only after the write is flushed makes the client see the first chunks, then a dead connection.
  const cut = () => void res.destroy();
  if (cutAfter === 0) return void res.write(": stream opened\n\n", cut);
  for (const [i, chunk] of chunks.entries()) {
    if (cutAfter !== undefined && i + 1 === cutAfter) return void res.write(`data: ${JSON.stringify(chunk)}\n\n`, cut);
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  if (cutAfter !== undefined) return void res.write("", cut);
  res.end("data: [DONE]\n\n");
}
