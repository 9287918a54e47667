// Images in the model view: ChatMessage contents → image_url parts with data URLs, checked and recorded by the fake.

import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { DemoChatClient, DEMO_IMAGE_NOTICE } from "../../src/llm/demo-chat-client.js";
import { DataContent, TextContent } from "../../src/workflow/contents.js";
import { toModelMessages } from "../../src/workflow/history-view.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { ModelError } from "../../src/workflow/errors.js";
import { imagesOf } from "../support/fake-openai-content.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { sampleImage } from "../support/sample-files.js";
import { adapterFor } from "./adapter-helpers.js";

let fake: FakeOpenAI;
let png: Uint8Array;
beforeEach(async () => {
  fake = await startFakeOpenAI();
  png = await sampleImage(16, 12, "png");
});
afterEach(async () => {
  await fake.close();
});

const worksheet = (image: Uint8Array) =>
  new ChatMessage("user", [new TextContent("How do I do number 3?"), new DataContent(image, "image/png", { name: "worksheet.png" })], { authorName: "Ada L." });

describe("ChatMessage contents", () => {
  it("keeps the seed's text constructor and joins text contents", () => {
    const plain = new ChatMessage("user", "What is 2+2?");
    expect(plain.text).toBe("What is 2+2?");
    expect(plain.contents).toEqual([new TextContent("What is 2+2?")]);
    expect(plain.hasMedia).toBe(false);
    const mixed = worksheet(png);
    expect(mixed.text).toBe("How do I do number 3?");
    expect(mixed.hasMedia).toBe(true);
    expect((mixed.contents[1] as DataContent).uri).toBe(`data:image/png;base64,${Buffer.from(png).toString("base64")}`);
  });
});

describe("image parts", () => {
  it("sends an image as an image_url part with a base64 data URL and detail auto", async () => {
    fake.enqueue({ text: "Number 3 asks you to factor." });
    const messages = toModelMessages([new ChatMessage("system", "You tutor."), worksheet(png)], "handoffOnly");
    await adapterFor(fake).getResponse({ messages, tools: [] });
    const sent = fake.requests[0]!;
    expect(sent.rejection).toBeUndefined();
    expect(sent.body.messages[1]).toEqual({
      role: "user",
      name: "Ada_L",
      content: [
        { type: "text", text: "How do I do number 3?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}`, detail: "auto" } },
      ],
    });
    const images = imagesOf(sent);
    expect(images.map((i) => [i.message, i.mediaType, i.detail])).toEqual([[1, "image/png", "auto"]]);
    expect(images[0]!.bytes.equals(Buffer.from(png))).toBe(true);
  });

  it("sends the configured detail", async () => {
    fake.enqueue({ text: "ok" });
    const client = new OpenAIChatClient({ client: new OpenAI({ apiKey: "k", baseURL: fake.url, maxRetries: 0 }), model: "m", imageDetail: "low" });
    await client.getResponse({ messages: toModelMessages([worksheet(png)], "handoffOnly"), tools: [] });
    expect(imagesOf(fake.requests[0]!).map((i) => i.detail)).toEqual(["low"]);
  });

  it.each([
    ["a type the API does not take", () => new DataContent(png, "image/bmp"), /Invalid MIME type 'image\/bmp'/],
    ["bytes that are not what the type says", () => new DataContent(png, "image/jpeg"), /unsupported image/],
  ])("the fake refuses %s, as the API does", async (_label, content, rejection) => {
    const messages = toModelMessages([new ChatMessage("user", [new TextContent("see"), content()])], "handoffOnly");
    await expect(adapterFor(fake).getResponse({ messages, tools: [] })).rejects.toMatchObject({ code: "model_bad_request" });
    expect(fake.requests[0]!.rejection).toMatch(rejection);
  });

  it("the fake refuses a malformed data URL and images outside user messages", async () => {
    const bad = [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,***" } }] }];
    const system = [{ role: "system", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}` } }] }];
    for (const messages of [bad, system]) {
      const res = await fetch(`${fake.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer k" },
        body: JSON.stringify({ model: "m", messages }),
      });
      expect(res.status).toBe(400);
    }
  });

  it("maps a model's refusal of image input to model_refuses_images", async () => {
    fake.enqueue({ status: 400, message: "Invalid content type. image_url is only supported by certain models." });
    const messages = toModelMessages([worksheet(png)], "handoffOnly");
    const failure = await adapterFor(fake).getResponse({ messages, tools: [] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
    expect((failure as ModelError).code).toBe("model_refuses_images");
  });

  it("a 400 about something else stays model_bad_request", async () => {
    fake.enqueue({ status: 400, message: "Invalid 'max_tokens': integer below minimum value." });
    const failure = await adapterFor(fake).getResponse({ messages: toModelMessages([worksheet(png)], "handoffOnly"), tools: [] }).catch((e: unknown) => e);
    expect((failure as ModelError).code).toBe("model_bad_request");
  });
});

describe("the demo model", () => {
  it("says it cannot see images when the student sent one", async () => {
    const withImage = await new DemoChatClient().getResponse({ messages: toModelMessages([worksheet(png)], "handoffOnly"), tools: [] });
    expect(withImage.text).toContain(DEMO_IMAGE_NOTICE);
    const without = await new DemoChatClient().getResponse({ messages: toModelMessages([new ChatMessage("user", "hi")], "handoffOnly"), tools: [] });
    expect(without.text).not.toContain(DEMO_IMAGE_NOTICE);
  });
});
