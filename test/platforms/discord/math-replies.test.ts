// End to end: display math posted as PNGs on the tutor's own message (webhook multipart), inline math as Unicode.

import { afterEach, describe, expect, it } from "vitest";
import type { OutboundReply } from "../../../src/bot/ports.js";
import type { FakeScript, RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const INTEGRAL = "\\int_0^1 x^2\\,dx = \\frac{1}{3}";
const ANSWER = `The area under $x^2$ is\n$$${INTEGRAL}$$\nso it costs $5 and $10 less than \\(\\alpha \\le \\beta\\).`;
const SHOWN = "The area under x² is\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nso it costs $5 and $10 less than α ≤ β.";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** The math tutor answers `answer`; triage hands off as in the seed. */
function tutorSays(answer: string): (request: RecordedRequest) => FakeScript {
  return (request) => (requestAgent(request) === "math_tutor" ? { text: answer } : seedResponder(request));
}

async function ask(bed: DiscordTestBed, text: string): Promise<string> {
  const student = bed.fake.addUser(`student${bed.fake.calls.length}`);
  const message = bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${text}` });
  await bed.handled(message.id);
  return message.id;
}

interface RenderedRow {
  role: string;
  author: string;
  origin: string;
  kind: string;
  media_type: string;
  file_name: string;
  alt_text: string;
  data: Buffer;
}

function renderedAttachments(bed: DiscordTestBed): RenderedRow[] {
  return bed.service.db
    .prepare<[], RenderedRow>(
      "SELECT m.role, m.author_agent AS author, a.origin, a.kind, a.media_type, a.file_name, a.alt_text, a.data FROM attachments a JOIN messages m ON m.id = a.message_id ORDER BY a.id",
    )
    .all();
}

function expectPng(bytes: Uint8Array | undefined): void {
  expect(bytes).toBeDefined();
  expect([...bytes!.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
}

describe("math in Discord replies", () => {
  it("attaches display math as a PNG to the tutor's webhook message, with inline math as Unicode and prices untouched", async () => {
    bed = await startDiscordTestBed({ responder: tutorSays(ANSWER) });
    const { fake } = bed;
    const thread = await ask(bed, "what is the integral of x^2 from 0 to 1?");
    const [, tutorPost] = webhookPostsTo(fake, thread);
    expect(String(tutorPost!.headers["content-type"])).toMatch(/^multipart\/form-data/);
    expect(tutorPost!.files.map((file) => [file.index, file.fileName])).toEqual([["0", "formula-1.png"]]);
    expectPng(tutorPost!.files[0]!.data);
    expect(bodyOf(tutorPost!)).toMatchObject({ username: "Math Tutor", content: SHOWN, attachments: [{ id: "0", description: INTEGRAL }] });
    const tutorMessage = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(tutorMessage.content).toBe(SHOWN);
    expect(tutorMessage.attachments.map((a) => [a.filename, a.description, a.content_type])).toEqual([["formula-1.png", INTEGRAL, "image/png"]]);
    expectPng(fake.attachmentBytes(tutorMessage.attachments[0]!.id));
    // Triage's text had no math: sent as JSON, no files.
    expect(String(webhookPostsTo(fake, thread)[0]!.headers["content-type"])).toMatch(/^application\/json/);
    // Stored with the tutor's message for the moderators' console: the same PNG, the TeX as alt text.
    const stored = renderedAttachments(bed);
    expect(stored.map(({ data: _data, ...row }) => row)).toEqual([
      { role: "assistant", author: "math_tutor", origin: "rendered", kind: "image", media_type: "image/png", file_name: "formula-1.png", alt_text: INTEGRAL },
    ]);
    expect(new Uint8Array(stored[0]!.data)).toEqual(fake.attachmentBytes(tutorMessage.attachments[0]!.id));
  });

  it("streams inline math as Unicode and attaches the display math at the final edit", async () => {
    let finishModel!: () => void;
    const modelDone = new Promise<void>((resolve) => (finishModel = resolve));
    const responder = (request: RecordedRequest) =>
      requestAgent(request) === "math_tutor" ? { text: ANSWER, holdAfterChunks: { chunks: 6, until: modelDone } } : seedResponder(request);
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } } }) });
    const { fake } = bed;
    const student = fake.addUser("streamer");
    const thread = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> integral of x^2?` }).id;
    await fake.waitUntil(() => fake.messagesIn(thread).some((message) => message.author.username === "Math Tutor" && message.content.includes("x²")));
    const early = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(early.content.startsWith("The area under x²")).toBe(true);
    expect(early.attachments).toEqual([]);
    finishModel();
    await bed.handled(thread);
    const tutor = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(tutor.content).toBe(SHOWN);
    expect(tutor.attachments.map((a) => [a.filename, a.description])).toEqual([["formula-1.png", INTEGRAL]]);
    expectPng(fake.attachmentBytes(tutor.attachments[0]!.id));
    // No partial text showed the raw TeX of the inline formula.
    const bodies = fake.calls.filter((call) => call.path.startsWith("/webhooks/")).map((call) => String(bodyOf(call).content ?? ""));
    expect(bodies.some((content) => content.includes("$x^2$"))).toBe(false);
  });

  it("shows invalid TeX as code and attaches nothing for it", async () => {
    bed = await startDiscordTestBed({ responder: tutorSays("Try $$\\frac{1}{$$ and $\\sqrt{$ here.") });
    const thread = await ask(bed, "what is 1/2 + 1/3?");
    const tutorMessage = bed.fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(tutorMessage.content).toBe("Try `\\frac{1}{` and `\\sqrt{` here.");
    expect(tutorMessage.attachments).toEqual([]);
    expect(renderedAttachments(bed)).toEqual([]);
  });

  it("puts the images on the last piece of a split answer", async () => {
    const long = `${"Step by step. ".repeat(200)}\n$$a^2+b^2=c^2$$\nand $$e^{i\\pi}+1=0$$`;
    bed = await startDiscordTestBed({ responder: tutorSays(long) });
    const thread = await ask(bed, "prove the math of x^2");
    const tutor = bed.fake.messagesIn(thread).filter((message) => message.author.username === "Math Tutor");
    expect(tutor.length).toBeGreaterThan(1);
    expect(tutor.slice(0, -1).every((message) => message.attachments.length === 0)).toBe(true);
    expect(tutor.at(-1)!.attachments.map((a) => [a.filename, a.description])).toEqual([
      ["formula-1.png", "a^2+b^2=c^2"],
      ["formula-2.png", "e^{i\\pi}+1=0"],
    ]);
  });

  it("without Manage Webhooks posts the images on the bot's own message; without Attach Files too, the text with the TeX", async () => {
    bed = await startDiscordTestBed({ responder: tutorSays(ANSWER), beforeStart: (fake) => fake.setCanManageWebhooks(false) });
    const { fake } = bed;
    const first = await ask(bed, "what is the integral of x^2?");
    const own = fake.messagesIn(first).find((message) => message.content.startsWith("**Math Tutor**"))!;
    expect(own.content).toBe(`**Math Tutor**\n${SHOWN}`);
    expect(own.attachments.map((a) => a.description)).toEqual([INTEGRAL]);
    expectPng(fake.attachmentBytes(own.attachments[0]!.id));

    fake.setCanAttachFiles(false);
    const second = await ask(bed, "and the integral of x^2 again?");
    const plain = fake.messagesIn(second).find((message) => message.content.startsWith("**Math Tutor**"))!;
    expect(plain.content).toBe(`**Math Tutor**\n${SHOWN}`);
    expect(plain.attachments).toEqual([]);
    const refused = fake.callsTo("POST", new RegExp(`^/channels/${second}/messages$`)).filter((call) => call.files.length > 0);
    expect(refused.map((call) => call.status)).toEqual([403]);
    expect(bed.logs.some((line) => line.level === 40 && String(line.msg).includes("formula images were refused"))).toBe(true);
  });

  it("takes the images off a withheld answer", async () => {
    bed = await startDiscordTestBed({ responder: tutorSays(ANSWER) });
    const { fake } = bed;
    const thread = await ask(bed, "what is the integral of x^2?");
    const tutorMessage = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(tutorMessage.attachments).toHaveLength(1);
    const agent = bed.service.gateway.agents().get("math_tutor")!;
    const reply: OutboundReply = { platform: "discord", workspace: fake.guildId, channel: bed.homework, thread, replyId: 99, conversationId: 1, agent, text: ANSWER, kind: "agent" };
    await bed.port.replaceReply!({ ...reply, platformMessageId: tutorMessage.id }, "This answer was withheld.");
    expect(fake.world.messages.get(tutorMessage.id)).toMatchObject({ content: "This answer was withheld.", attachments: [] });
  });
});
