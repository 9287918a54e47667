// Images in the history window: only the newest BATON_HISTORY_IMAGES stay image parts, their tokens count against the
// budget, and a message with files that waits in the inbox behind a running turn keeps them.

import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { imagesOf } from "../support/fake-openai-content.js";
import { lastUserText } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { sampleImage } from "../support/sample-files.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
let counter = 0;

async function withPhoto(text: string, name: string, size = 64): Promise<InboundMessage> {
  const data = await sampleImage(size, size);
  return { ...ref, eventId: `aw-${++counter}`, user: { id: "u1", name: "Ada" }, text, attachments: [{ name, mediaType: "image/png", size: data.length, data }] };
}

/** Every user message's content of a request, as text ("[image]" for an image part). */
function userContents(request: Parameters<typeof imagesOf>[0]): string[] {
  return request.body.messages.flatMap((message) => {
    if (message.role !== "user") return [];
    if (typeof message.content === "string") return [message.content];
    return [message.content.map((part) => (part.type === "text" ? part.text : part.type === "image_url" ? "[image]" : "")).join(" | ")];
  });
}

describe("images in the history window", () => {
  it("keeps only the newest images as image parts; older ones become [image: name]", async () => {
    harness = await startServiceHarness({ attachments: { historyImages: 2 }, responder: () => ({ text: "ok" }) });
    const h = harness;
    h.service.registerPort(new RecordingPort());
    for (const n of [1, 2, 3]) await h.service.accept(envelopeOf(await withPhoto(`question ${n}`, `page${n}.png`)));
    const last = h.fakeOpenAI.requests.at(-1)!;
    expect(imagesOf(last)).toHaveLength(2);
    expect(userContents(last)).toEqual(["question 1\n\n[image: page1.png]", "question 2 | [image]", "question 3 | [image]"]);
  });

  it("counts an image's tiles against BATON_HISTORY_TOKENS: a big photo pushes older messages out", async () => {
    // 1024² at auto (counted as high) is 765 tokens (+4 for its text): a budget of 772 holds it and the answer before it (1), not the question before that (8).
    harness = await startServiceHarness({ limits: { historyTokens: 772 }, responder: () => ({ text: "ok" }) });
    const h = harness;
    h.service.registerPort(new RecordingPort());
    await h.service.accept(envelopeOf({ ...ref, eventId: "aw-text", user: { id: "u1", name: "Ada" }, text: "an earlier question about Rome" }));
    await h.service.accept(envelopeOf(await withPhoto("what about this?", "big.png", 1024)));
    const last = h.fakeOpenAI.requests.at(-1)!;
    expect(userContents(last)).toEqual(["what about this? | [image]"]);
  });

  it("keeps the files of a message that waited in the inbox behind a running turn", async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    harness = await startServiceHarness({ responder: () => ({ text: "ok" }) });
    const h = harness;
    h.service.registerPort(new RecordingPort());
    h.fakeOpenAI.enqueue({ text: "first answer", stallUntil: stalled });
    const first = h.service.accept(envelopeOf({ ...ref, eventId: "aw-first", user: { id: "u1", name: "Ada" }, text: "first" }));
    await h.fakeOpenAI.waitForRequests(1);
    const second = h.service.accept(envelopeOf(await withPhoto("and this page?", "queued.png")));
    // It waits in the inbox (as JSON) until the first turn is done.
    await expect.poll(() => (h.db.prepare("SELECT count(*) AS n FROM inbox").get() as { n: number }).n).toBe(1);
    release();
    await Promise.all([first, second]);
    const last = h.fakeOpenAI.requests.at(-1)!;
    expect(lastUserText(last)).toBe("and this page?");
    expect(imagesOf(last).map((image) => image.mediaType)).toEqual(["image/png"]);
    expect(h.db.prepare("SELECT file_name FROM attachments").all()).toEqual([{ file_name: "queued.png" }]);
  });
});
