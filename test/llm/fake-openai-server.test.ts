// The fake OpenAI server itself, over raw HTTP: its wire format matches the real API's and it refuses what the API refuses.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lastUserText, startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const USER = { role: "user", content: "What is 2+2?" };

function post(body: unknown, path = "/chat/completions"): Promise<Response> {
  return fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The JSON payloads of an SSE body, and whether it ended with [DONE]. */
async function readEvents(response: Response): Promise<{ chunks: Record<string, unknown>[]; done: boolean }> {
  const events = (await response.text()).split("\n\n").filter((event) => event.startsWith("data: "));
  const payloads = events.map((event) => event.slice("data: ".length));
  const done = payloads.at(-1) === "[DONE]";
  return { chunks: payloads.filter((p) => p !== "[DONE]").map((p) => JSON.parse(p) as Record<string, unknown>), done };
}

describe("wire format", () => {
  it("streams chunks shaped like the real API's, tool arguments in pieces, usage last, then [DONE]", async () => {
    fake.enqueue({ text: "Sure.", toolCalls: [{ name: "handoff_to_math_tutor", arguments: { reason: "arithmetic question" } }] });
    const response = await post({ model: "m", messages: [USER], stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const { chunks, done } = await readEvents(response);
    expect(done).toBe(true);
    for (const chunk of chunks) expect(chunk).toMatchObject({ id: "chatcmpl-fake-1", object: "chat.completion.chunk", model: "m" });
    const deltas = chunks.flatMap((chunk) => (chunk.choices as { delta: Record<string, unknown> }[]).map((c) => c.delta));
    expect(deltas[0]).toMatchObject({ role: "assistant" });
    const pieces = deltas.flatMap((delta) => (delta.tool_calls as { function: { arguments: string } }[] | undefined) ?? []);
    expect(pieces[0]).toMatchObject({ index: 0, id: "call_fake_1_0", type: "function", function: { name: "handoff_to_math_tutor", arguments: "" } });
    expect(pieces.filter((piece) => piece.function.arguments !== "").length).toBeGreaterThan(1);
    expect(pieces.map((piece) => piece.function.arguments).join("")).toBe('{"reason":"arithmetic question"}');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    expect(chunks.at(-2)?.choices).toEqual([expect.objectContaining({ finish_reason: "tool_calls" })]);
  });

  it("leaves usage out of a stream that did not ask for it", async () => {
    const { chunks } = await readEvents(await post({ model: "m", messages: [USER], stream: true }));
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
  });

  it("answers a non-streaming request with a chat.completion, using the responder once the queue is empty", async () => {
    fake.setResponder((request) => ({ text: `You asked: ${lastUserText(request)}` }));
    const body = (await (await post({ model: "m", messages: [USER] })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "You asked: What is 2+2?" }, finish_reason: "stop" }],
      usage: { prompt_tokens: expect.any(Number) },
    });
  });

  it("holds a stalled reply until the test releases it, and records the request before answering", async () => {
    let release = () => {};
    fake.enqueue({ text: "finally", stallUntil: new Promise<void>((resolve) => (release = resolve)) });
    const pending = post({ model: "m", messages: [USER] });
    const [recorded] = await fake.waitForRequests(1);
    expect(recorded?.body.messages).toEqual([USER]);
    release();
    expect(await (await pending).json()).toMatchObject({ choices: [{ message: { content: "finally" } }] });
  });

  it("sends retry-after with a scripted 429", async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 7 });
    const response = await post({ model: "m", messages: [USER] });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.json()).toMatchObject({ error: { type: "rate_limit_exceeded" } });
  });

  it("answers 404 on routes it does not serve", async () => {
    expect((await post({ model: "m", messages: [USER] }, "/completions")).status).toBe(404);
  });
});

describe("strictness like the real API", () => {
  const call = (id: string) => ({ id, type: "function", function: { name: "handoff_to_math_tutor", arguments: "{}" } });
  const tool = (fn: Record<string, unknown>) => ({ type: "function", function: fn });
  it.each<[string, unknown, string | null]>([
    ["a body that is not JSON", "{not json", null],
    ["a missing model", { messages: [USER] }, "model"],
    ["missing messages", { model: "m" }, "messages"],
    ["empty messages", { model: "m", messages: [] }, "messages"],
    ["an unknown role", { model: "m", messages: [{ role: "wizard", content: "hi" }] }, "messages.[0].role"],
    ["null content on a user message", { model: "m", messages: [{ role: "user", content: null }] }, "messages.[0].content"],
    ["null assistant content without tool calls", { model: "m", messages: [USER, { role: "assistant", content: null }] }, "messages.[1].content"],
    ["a participant name with spaces", { model: "m", messages: [{ ...USER, name: "Jane Doe" }] }, "messages.[0].name"],
    ["an unanswered tool call before the next message", { model: "m", messages: [USER, { role: "assistant", content: null, tool_calls: [call("a"), call("b")] }, { role: "tool", tool_call_id: "a", content: "ok" }, USER] }, "messages.[3]"],
    ["an unanswered tool call at the end", { model: "m", messages: [USER, { role: "assistant", content: null, tool_calls: [call("a")] }] }, "messages.[2]"],
    ["an orphan tool message", { model: "m", messages: [USER, { role: "tool", tool_call_id: "a", content: "ok" }] }, "messages.[1].role"],
    ["a tool message answering a call twice", { model: "m", messages: [USER, { role: "assistant", content: null, tool_calls: [call("a")] }, { role: "tool", tool_call_id: "a", content: "ok" }, { role: "tool", tool_call_id: "a", content: "again" }] }, "messages.[3].role"],
    ["an empty tools array", { model: "m", messages: [USER], tools: [] }, "tools"],
    ["a tool without a name", { model: "m", messages: [USER], tools: [tool({ description: "x" })] }, "tools[0].function.name"],
    ["a tool name with a space", { model: "m", messages: [USER], tools: [tool({ name: "hand off" })] }, "tools[0].function.name"],
    ["tool parameters that are not an object schema", { model: "m", messages: [USER], tools: [tool({ name: "f", parameters: { type: "string" } })] }, "tools[0].function.parameters"],
    ["stream_options without stream", { model: "m", messages: [USER], stream_options: { include_usage: true } }, "stream_options"],
  ])("refuses %s with an OpenAI-shaped 400", async (_case, body, param) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", param, code: expect.toSatisfy((c) => c === null || typeof c === "string") },
    });
    expect(fake.requests[0]?.rejection).toEqual(expect.any(String));
  });

  it("accepts a complete tool-call round trip (the control for the cases above)", async () => {
    const body = {
      model: "m",
      messages: [USER, { role: "assistant", content: null, tool_calls: [call("a"), call("b")] }, { role: "tool", tool_call_id: "b", content: "ok" }, { role: "tool", tool_call_id: "a", content: "ok" }, { role: "assistant", content: "4", name: "math_tutor" }, USER],
      tools: [tool({ name: "handoff_to_math_tutor", description: "d", parameters: { type: "object", properties: {} } })],
    };
    expect((await post(body)).status).toBe(200);
  });

  it("records Azure's deployment, api-version and api-key, and does not require a model there", async () => {
    const response = await fetch(`${fake.azureEndpoint}/openai/deployments/tutor/chat/completions?api-version=2024-10-21`, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": "k" },
      body: JSON.stringify({ messages: [USER] }),
    });
    expect(response.status).toBe(200);
    expect(fake.requests[0]).toMatchObject({ deployment: "tutor", apiVersion: "2024-10-21", apiKey: "k" });
  });

  it("refuses an Azure request without api-version", async () => {
    const response = await fetch(`${fake.azureEndpoint}/openai/deployments/tutor/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [USER] }),
    });
    expect(response.status).toBe(400);
  });
});
