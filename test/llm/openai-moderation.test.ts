// The moderation client over the real openai client and the strict fake /v1/moderations; Azure's filter mapped to flags.

import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModerationClient } from "../../src/llm/create-moderation-client.js";
import { OpenAIModerationClient } from "../../src/llm/openai-moderation.js";
import { ContentFilterError, ModelError } from "../../src/workflow/errors.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { adapterFor, collect } from "./adapter-helpers.js";

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const clientFor = (maxRetries = 0) =>
  new OpenAIModerationClient({ client: new OpenAI({ apiKey: "sk-mod", baseURL: fake.url, maxRetries, timeout: 5_000 }) });

describe("OpenAIModerationClient", () => {
  it("sends texts as one string array to omni-moderation-latest and reads every category's flag and score", async () => {
    fake.moderations.script("hurt myself", { "self-harm/intent": 0.93, "self-harm": 0.71 });
    const verdicts = await clientFor().moderate([{ text: "what is 2+2" }, { text: "I want to hurt myself" }]);
    expect(fake.moderations.requests).toHaveLength(1);
    expect(fake.moderations.requests[0]!.body).toEqual({ model: "omni-moderation-latest", input: ["what is 2+2", "I want to hurt myself"] });
    expect(fake.moderations.requests[0]!.headers.authorization).toBe("Bearer sk-mod");
    expect(verdicts).toHaveLength(2);
    expect(Object.values(verdicts[0]!.categories).some((c) => c.flagged)).toBe(false);
    expect(verdicts[1]!.categories["self-harm/intent"]).toEqual({ flagged: true, score: 0.93 });
    expect(verdicts[1]!.categories["violence"]!.flagged).toBe(false);
    expect(Object.keys(verdicts[1]!.categories)).toHaveLength(13);
  });

  it("sends a message with images as one multi-modal input of text and image_url parts", async () => {
    fake.moderations.script("look at this", { violence: 0.8 });
    const [verdict] = await clientFor().moderate([{ text: "look at this", imageUrls: ["https://example.org/a.png"] }]);
    expect(fake.moderations.requests[0]!.body).toEqual({
      model: "omni-moderation-latest",
      input: [
        { type: "text", text: "look at this" },
        { type: "image_url", image_url: { url: "https://example.org/a.png" } },
      ],
    });
    expect(verdict!.categories.violence).toEqual({ flagged: true, score: 0.8 });
  });

  it("throws a typed error when the endpoint is down or rate limiting (the caller lets the turn through)", async () => {
    fake.moderations.failWith({ status: 429, retryAfterSeconds: 0 });
    await expect(clientFor().moderate([{ text: "hi" }])).rejects.toMatchObject({ code: "model_rate_limited" });
    fake.moderations.failWith({ status: 503 });
    const error = await clientFor().moderate([{ text: "hi" }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model_unavailable" });
  });

  it("is built from settings, and not at all when moderation is off", async () => {
    expect(createModerationClient({ provider: "off", reason: "setting" })).toBeUndefined();
    const client = createModerationClient({ provider: "openai", apiKey: "sk-x", baseURL: fake.url, maxRetries: 0, timeoutMs: 5_000 });
    await client!.moderate([{ text: "hello" }]);
    expect(fake.moderations.requests[0]!.headers.authorization).toBe("Bearer sk-x");
  });
});

describe("the fake /v1/moderations is as strict as the real one", () => {
  const post = (body: unknown, auth = "Bearer sk") =>
    fetch(`${fake.url}/moderations`, { method: "POST", headers: { "content-type": "application/json", authorization: auth }, body: JSON.stringify(body) });

  it.each([
    [{}, /Missing required parameter: 'input'/],
    [{ input: "x", temperature: 1 }, /Unrecognized request argument/],
    [{ input: [] }, /empty array/],
    [{ input: ["a", { type: "text", text: "b" }] }, /cannot be mixed/],
    [{ input: [{ type: "image_url", image_url: { url: "ftp://x" } }] }, /image_url.url/],
    [{ input: [{ type: "audio" }] }, /Supported values/],
    [{ input: [{ type: "image_url", image_url: { url: "https://x/a.png" } }], model: "text-moderation-latest" }, /does not support image/],
    [{ input: "x", model: "gpt-4o" }, /does not exist/],
  ])("refuses %j", async (body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
  });

  it("answers with the full schema: flags derived from scores, applied input types per category", async () => {
    fake.moderations.script("pic", { sexual: 0.9 });
    const response = await post({ input: [{ type: "text", text: "pic" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] });
    const body = (await response.json()) as { model: string; results: Array<Record<string, Record<string, unknown>>> };
    expect(body.model).toBe("omni-moderation-2024-09-26");
    expect(body.results).toHaveLength(1);
    const result = body.results[0]!;
    expect(result.flagged).toBe(true);
    expect(result.categories!.sexual).toBe(true);
    expect(result.category_applied_input_types!.sexual).toEqual(["text", "image"]);
    expect(result.category_applied_input_types!.harassment).toEqual(["text"]);
    expect((await post({ input: "x" }, "")).status).toBe(401);
  });
});

describe("Azure's content filter becomes the same findings", () => {
  it("a 400 content_filter refusal of the prompt is a ContentFilterError on the input, with the filtered categories", async () => {
    fake.enqueue({
      status: 400,
      code: "content_filter",
      message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: {
          hate: { filtered: false, severity: "safe" },
          self_harm: { filtered: true, severity: "high" },
          sexual: { filtered: false, severity: "safe" },
          violence: { filtered: true, severity: "medium" },
        },
      },
    });
    const error = await adapterFor(fake).getResponse({ messages: [{ role: "user", content: "x" }], tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ code: "model_content_filtered", source: "input", categories: { "self-harm": 0.9, violence: 0.6 } });
  });

  it("an answer stopped by the filter (finish_reason content_filter) is a ContentFilterError on the output, streaming or not", async () => {
    const filtered = { text: "partial", finishReason: "content_filter" as const, contentFilterResults: { violence: { filtered: true, severity: "high" } } };
    fake.enqueue(filtered, filtered);
    const request = { messages: [{ role: "user" as const, content: "x" }], tools: [] };
    await expect(adapterFor(fake).getResponse(request)).rejects.toMatchObject({ source: "output", categories: { violence: 0.9 } });
    await expect(collect(adapterFor(fake).getStreamingResponse(request))).rejects.toBeInstanceOf(ContentFilterError);
  });

  it("a 400 that is not the filter stays model_bad_request", async () => {
    fake.enqueue({ status: 400, code: "invalid_value" });
    await expect(adapterFor(fake).getResponse({ messages: [{ role: "user", content: "x" }], tools: [] })).rejects.toMatchObject({ code: "model_bad_request" });
  });
});
