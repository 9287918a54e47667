// Files students share on Slack (a mention, a DM, a thread reply): downloaded with the bot token, seen by the model.

import { afterEach, describe, expect, it } from "vitest";
import sharp from "sharp";
import { appMentionEvent, eventCallback, FULL_SCOPES, messageEvent, nextMessageTs } from "../../support/fake-slack/index.js";
import { imagesOf } from "../../support/fake-openai-content.js";
import { lastUserText } from "../../support/fake-openai-server.js";
import { sampleImage, samplePdf } from "../../support/sample-files.js";
import { startServiceHarness, type ServiceHarness, type ServiceHarnessOptions } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

async function start(options: { scopes?: readonly string[]; attachments?: ServiceHarnessOptions["attachments"] } = {}): Promise<{ h: ServiceHarness; t: SlackTestBot }> {
  h = await startServiceHarness(options.attachments === undefined ? {} : { attachments: options.attachments });
  t = await startSlackTestBot({ gateway: h.gateway, fakeOptions: options.scopes ? { scopes: options.scopes } : {} });
  return { h, t };
}

async function send(bot: SlackTestBot, event: Record<string, unknown>): Promise<void> {
  const response = await bot.sender.sendEvent(eventCallback({ teamId: bot.fake.identity.teamId, event }));
  expect(response.status).toBe(200);
  await bot.bot.idle();
}

function storedAttachments(h: ServiceHarness): unknown[] {
  return h.db.prepare("SELECT file_name, kind, media_type, width, height FROM attachments ORDER BY id").all();
}

describe("Slack attachments", () => {
  it("downloads a mention's photo from url_private_download with the bot token; the model gets it as an image part", async () => {
    const { h, t } = await start();
    const file = t.fake.files.upload({ name: "worksheet.jpg", data: await sampleImage(2400, 1800, "jpeg"), mimetype: "image/jpeg", user: STUDENT.id });
    await send(t, appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${t.fake.identity.botUserId}> how do I do number 3?`, files: [file] }));
    expect(t.fake.files.downloads.map((download) => download.served)).toEqual(["file"]);
    const images = imagesOf(h.fakeOpenAI.requests[0]!);
    expect(images.map((image) => image.mediaType)).toEqual(["image/jpeg"]);
    const sent = await sharp(images[0]!.bytes).metadata();
    expect([sent.width, sent.height]).toEqual([2048, 1536]);
    expect(lastUserText(h.fakeOpenAI.requests[0]!)).toBe("how do I do number 3?");
    expect(storedAttachments(h)).toEqual([{ file_name: "worksheet.jpg", kind: "image", media_type: "image/jpeg", width: 2048, height: 1536 }]);
  });

  it("accepts a file_share DM with only a PDF: its text reaches the model", async () => {
    const { h, t } = await start();
    const file = t.fake.files.upload({ name: "notes.pdf", data: samplePdf("Photosynthesis makes glucose"), mimetype: "application/pdf", user: STUDENT.id });
    await send(t, messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "", files: [file] }));
    expect(lastUserText(h.fakeOpenAI.requests[0]!)).toBe("[file: notes.pdf]\nPhotosynthesis makes glucose");
  });

  it("reads a file in a thread reply of a conversation", async () => {
    const { h, t } = await start();
    const root = nextMessageTs();
    h.store.getOrCreateConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    const file = t.fake.files.upload({ name: "graph.png", data: await sampleImage(300, 200), mimetype: "image/png", user: STUDENT.id });
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "and this one?", threadTs: root, files: [file] }));
    expect(imagesOf(h.fakeOpenAI.requests[0]!).map((image) => image.mediaType)).toEqual(["image/png"]);
  });

  it("without files:read (Slack answers its sign-in page) tells the student clearly and stores nothing", async () => {
    const { h, t } = await start({ scopes: FULL_SCOPES.filter((scope) => scope !== "files:read") });
    const file = t.fake.files.upload({ name: "page.png", data: await sampleImage(64, 64), mimetype: "image/png", user: STUDENT.id });
    await send(t, messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "what is this?", files: [file] }));
    expect(t.fake.files.downloads.map((download) => download.served)).toEqual(["sign_in"]);
    const texts = t.fake.messages({ channel: "D0STUDENT" }).map((message) => message.text);
    expect(texts[0]).toContain("page.png: I'm not allowed to read files in this workspace yet (the app needs the files:read scope");
    expect(imagesOf(h.fakeOpenAI.requests[0]!)).toEqual([]);
    expect(storedAttachments(h)).toEqual([]);
    expect(t.logs.some((line) => String(line.msg).includes("files:read"))).toBe(true);
  });

  it("refuses a 30 MB image before downloading it, and with BATON_VISION=off refuses images unread", async () => {
    const { h, t } = await start({ attachments: { vision: false } });
    const huge = t.fake.files.upload({ name: "huge.txt", data: new Uint8Array(30 * 1024 * 1024), mimetype: "text/plain", user: STUDENT.id });
    const photo = t.fake.files.upload({ name: "photo.png", data: await sampleImage(64, 64), mimetype: "image/png", user: STUDENT.id });
    await send(t, messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "help", files: [huge, photo] }));
    expect(t.fake.files.downloads).toEqual([]);
    const notice = t.fake.messages({ channel: "D0STUDENT" })[0]!.text;
    expect(notice).toContain("huge.txt: it is 30 MB; the limit is 10 MB per file.");
    expect(notice).toContain("photo.png: I can't see images here");
    expect(storedAttachments(h)).toEqual([]);
  });
});
