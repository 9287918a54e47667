// How the OpenAI adapter reports failures: HTTP statuses, retries, cut streams, aborts and refused histories.

import OpenAI, { BadRequestError } from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatRequest, ModelMessage } from "../../src/workflow/chat-client.js";
import { ModelError, ModelStreamInterruptedError, RunAbortedError } from "../../src/workflow/errors.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { adapterFor, collect } from "./adapter-helpers.js";

const QUESTION: ChatRequest = { messages: [{ role: "user", content: "Who won the battle of Hastings?" }], tools: [] };

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

describe("HTTP failures", () => {
  it("retries a 429 after its retry-after, then succeeds (the client's own retries)", async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 0 }, { text: "William of Normandy." });
    const { response } = await collect(adapterFor(fake, 1).getStreamingResponse(QUESTION));
    expect(response.text).toBe("William of Normandy.");
    expect(fake.requests).toHaveLength(2);
  });

  it("reports a 429 that outlasts the retries as model_rate_limited with its status", async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 0 });
    const error = await adapterFor(fake, 0).getResponse(QUESTION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model_rate_limited", status: 429 });
  });

  it("reports a 500 after the retries as model_unavailable", async () => {
    fake.enqueue({ status: 500, retryAfterSeconds: 0 }, { status: 503, retryAfterSeconds: 0 });
    const error = await collect(adapterFor(fake, 1).getStreamingResponse(QUESTION)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model_unavailable", status: 503 });
    expect(fake.requests).toHaveLength(2);
  });

  it.each([
    [401, "model_auth"],
    [403, "model_auth"],
    [404, "model_bad_request"],
    [422, "model_bad_request"],
  ])("maps HTTP %i to %s", async (status, code) => {
    fake.enqueue({ status });
    await expect(adapterFor(fake).getResponse(QUESTION)).rejects.toMatchObject({ code, status });
  });

  it("never copies the service's words about credentials (they may echo the key) into the error", async () => {
    fake.enqueue({ status: 401, message: "Incorrect API key provided: sk-test-key.", code: "invalid_api_key" });
    const error = await adapterFor(fake).getResponse(QUESTION).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "model_auth" });
    expect((error as Error).message).not.toContain("sk-test-key");
    expect((error as Error).message).toContain("invalid_api_key");
  });

  it("reports an unreachable service as model_unavailable", async () => {
    const closed = await startFakeOpenAI();
    await closed.close();
    await expect(adapterFor(closed).getResponse(QUESTION)).rejects.toMatchObject({ code: "model_unavailable" });
  });
});

describe("cut streams", () => {
  it("surfaces a stream cut mid-answer as model_unavailable, after the deltas that did arrive", async () => {
    fake.enqueue({ text: "The Normans won it in 1066 under William.", cutAfterChunks: 3 });
    const deltas: string[] = [];
    const failure = (async () => {
      for await (const part of adapterFor(fake).getStreamingResponse(QUESTION)) {
        if (part.type === "text-delta") deltas.push(part.delta);
      }
    })();
    await expect(failure).rejects.toMatchObject({ code: "model_unavailable" });
    expect(deltas.join("")).toBe("The Normans ");
  });

  it("does not accept a stream that ends politely but unfinished as an answer", async () => {
    // 1 role chunk + 4 words, then [DONE]: everything but the finish chunk.
    fake.enqueue({ text: "It was the Normans.", endAfterChunks: 5 });
    await expect(collect(adapterFor(fake).getStreamingResponse(QUESTION))).rejects.toMatchObject({ code: "model_unavailable" });
  });
});

describe("which failures are reported as an interrupted stream (the engine asks once more)", () => {
  const failureOf = (client: OpenAIChatClient) => collect(client.getStreamingResponse(QUESTION)).catch((e: unknown) => e);
  const withRetries = (maxRetries: number) =>
    new OpenAIChatClient({ client: new OpenAI({ apiKey: "k", baseURL: fake.url, maxRetries }), model: "m", streamIdleTimeoutMs: 200 });

  it.each([
    ["cut after some deltas", { text: "The Normans won it in 1066.", cutAfterChunks: 3 }],
    ["cut right after the headers", { text: "The Normans won it in 1066.", cutAfterChunks: 0 }],
    ["ended politely but unfinished", { text: "The Normans won it in 1066.", endAfterChunks: 3 }],
    ["silent mid-answer past the idle timeout", { text: "The Normans won it in 1066.", stallAfterChunks: 2 }],
  ])("a stream %s, not retried by the client itself", async (_name, script) => {
    fake.enqueue(script, { text: "never asked" });
    const error = await failureOf(withRetries(2));
    expect(error).toBeInstanceOf(ModelStreamInterruptedError);
    expect(error).toMatchObject({ code: "model_unavailable" });
    expect(fake.requests).toHaveLength(1);
  });

  it("but not a request that failed before its stream started (the client's retries had their turn)", async () => {
    fake.enqueue({ status: 500 }, { status: 500 });
    const error = await failureOf(withRetries(1));
    expect(error).toMatchObject({ code: "model_unavailable", status: 500 });
    expect(error).not.toBeInstanceOf(ModelStreamInterruptedError);
    expect(fake.requests).toHaveLength(2);
  });

  it("nor the caller's abort mid-stream", async () => {
    fake.enqueue({ text: "The Normans won it in 1066.", stallAfterChunks: 2 });
    const controller = new AbortController();
    const client = new OpenAIChatClient({ client: new OpenAI({ apiKey: "k", baseURL: fake.url, maxRetries: 0 }), model: "m", streamIdleTimeoutMs: 60_000 });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const part of client.getStreamingResponse({ ...QUESTION, signal: controller.signal })) {
        if (part.type === "text-delta") {
          deltas.push(part.delta);
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    expect(deltas).toEqual(["The "]);
    expect(error).toBeInstanceOf(RunAbortedError);
  });
});

describe("a model that hangs mid-answer", () => {
  it("is given up on as model_unavailable once the stream has been silent for streamIdleTimeoutMs", async () => {
    fake.enqueue({ text: "The Normans won it in 1066.", stallAfterChunks: 2 });
    const client = new OpenAIChatClient({
      client: new OpenAI({ apiKey: "sk-test-key", baseURL: fake.url, maxRetries: 0 }),
      model: "gpt-test",
      streamIdleTimeoutMs: 200,
    });
    const deltas: string[] = [];
    const failure = (async () => {
      for await (const part of client.getStreamingResponse(QUESTION)) if (part.type === "text-delta") deltas.push(part.delta);
    })();
    await expect(failure).rejects.toMatchObject({ code: "model_unavailable", message: expect.stringMatching(/sent nothing for 200 ms/) });
    expect(deltas).toEqual(["The "]);
  });

  it("leaves a model that sends no headers to the client's own timeout and retries (the watchdog starts with the stream)", async () => {
    fake.enqueue({ text: "never sent", stallUntil: new Promise<void>(() => {}) }, { text: "William of Normandy." });
    const client = new OpenAIChatClient({
      client: new OpenAI({ apiKey: "sk-test-key", baseURL: fake.url, maxRetries: 1, timeout: 200 }),
      model: "gpt-test",
      streamIdleTimeoutMs: 200,
    });
    const { response } = await collect(client.getStreamingResponse(QUESTION));
    expect(response.text).toBe("William of Normandy.");
    expect(fake.requests).toHaveLength(2);
  });

  it("waits out a retry-after longer than streamIdleTimeoutMs between the client's attempts", async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 1 }, { text: "William of Normandy." });
    const client = new OpenAIChatClient({
      client: new OpenAI({ apiKey: "sk-test-key", baseURL: fake.url, maxRetries: 1, timeout: 5_000 }),
      model: "gpt-test",
      streamIdleTimeoutMs: 300,
    });
    const { response } = await collect(client.getStreamingResponse(QUESTION));
    expect(response.text).toBe("William of Normandy.");
  });

  it("still reports the caller's own abort as an abort", async () => {
    fake.enqueue({ text: "The Normans won it in 1066.", stallAfterChunks: 2 });
    const client = new OpenAIChatClient({ client: new OpenAI({ apiKey: "k", baseURL: fake.url, maxRetries: 0 }), model: "m", streamIdleTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = collect(client.getStreamingResponse({ ...QUESTION, signal: controller.signal }));
    await fake.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RunAbortedError);
  });
});

describe("aborts", () => {
  it("turns an abort while waiting for the model into RunAbortedError", async () => {
    let release = () => {};
    fake.enqueue({ text: "too late", stallUntil: new Promise<void>((resolve) => (release = resolve)) });
    const controller = new AbortController();
    const pending = collect(adapterFor(fake).getStreamingResponse({ ...QUESTION, signal: controller.signal }));
    await fake.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(RunAbortedError);
    release();
  });

  it("turns an abort in the middle of a stream into RunAbortedError, not a short answer", async () => {
    fake.enqueue({ text: "one two three four five six seven eight nine ten" });
    const controller = new AbortController();
    const deltas: string[] = [];
    const consume = async () => {
      for await (const part of adapterFor(fake).getStreamingResponse({ ...QUESTION, signal: controller.signal })) {
        if (part.type === "text-delta") deltas.push(part.delta);
        controller.abort();
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(RunAbortedError);
    expect(deltas).toEqual(["one "]);
  });

  it("turns an abort of a non-streaming request into RunAbortedError", async () => {
    let release = () => {};
    fake.enqueue({ text: "too late", stallUntil: new Promise<void>((resolve) => (release = resolve)) });
    const controller = new AbortController();
    const pending = adapterFor(fake).getResponse({ ...QUESTION, signal: controller.signal });
    await fake.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    release();
  });
});

describe("histories the API refuses", () => {
  const call = { id: "call_7", name: "handoff_to_history_tutor", arguments: "{}" };
  it.each<[string, ModelMessage[]]>([
    [
      "a tool call with no tool result",
      [
        { role: "user", content: "Who won?" },
        { role: "assistant", content: null, toolCalls: [call] },
        { role: "user", content: "Hello?" },
      ],
    ],
    [
      "a tool result that answers no tool call",
      [
        { role: "user", content: "Who won?" },
        { role: "tool", toolCallId: "call_7", content: "Handed off." },
      ],
    ],
  ])("reports %s as model_bad_request (status 400)", async (_case, messages) => {
    fake.enqueue({ text: "never sent: the fake refuses the request before answering" });
    const error = await adapterFor(fake).getResponse({ messages, tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model_bad_request", status: 400 });
    expect(fake.requests[0]?.rejection).toBeDefined();
    expect(fake.pendingScripts()).toBe(1);
  });

  it("is what the real client gets for an empty tools array (which is why the adapter leaves it out)", async () => {
    const raw = new OpenAI({ apiKey: "sk-test-key", baseURL: fake.url, maxRetries: 0 });
    const sent = raw.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }], tools: [] });
    await expect(sent).rejects.toBeInstanceOf(BadRequestError);
    await expect(sent).rejects.toMatchObject({ status: 400, param: "tools", type: "invalid_request_error" });
  });
});
