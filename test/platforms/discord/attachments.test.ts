// End to end: files students attach on Discord (mention, thread message, /ask) reach the model; limits and refusals.

import { afterEach, describe, expect, it } from "vitest";
import { attachmentOption, stringOption } from "../../support/fake-discord/index.js";
import { imagesOf } from "../../support/fake-openai-content.js";
import { lastUserText } from "../../support/fake-openai-server.js";
import { sampleImage, samplePdf } from "../../support/sample-files.js";
import { bodyOf, discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import sharp from "sharp";
import { forgetIn } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

function attachmentsIn(bed: DiscordTestBed, threadId: string) {
  const conversation = bed.service.store.findConversation(discordThread(bed, bed.homework, threadId));
  if (conversation === undefined) return [];
  return bed.service.db.prepare("SELECT file_name, kind, media_type, width, height, byte_size FROM attachments WHERE conversation_id = ? ORDER BY id").all(conversation.id);
}

describe("Discord attachments", () => {
  it("downloads a mention's photo from the CDN, downscales and stores it, and sends it to the model as an image part", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("mia");
    const photo = await sampleImage(3000, 1500, "png");
    const attachment = fake.uploadAttachment({ channelId: bed.homework, filename: "worksheet.png", data: photo, contentType: "image/png", width: 3000, height: 1500 });
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> how do I do number 3?`, attachments: [attachment] });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 2);

    expect(fake.cdnDownloads.map((download) => download.status)).toEqual([200]);
    const first = bed.service.fakeOpenAI.requests[0]!;
    const images = imagesOf(first);
    expect(images).toHaveLength(1);
    expect(images[0]!.mediaType).toBe("image/png");
    expect(images[0]!.detail).toBe("auto");
    const sent = await sharp(images[0]!.bytes).metadata();
    expect([sent.width, sent.height]).toEqual([2048, 1024]);
    expect(lastUserText(first)).toBe("how do I do number 3?");
    expect(attachmentsIn(bed, message.id)).toEqual([
      { file_name: "worksheet.png", kind: "image", media_type: "image/png", width: 2048, height: 1024, byte_size: images[0]!.bytes.length },
    ]);
    // The thread is named after the question, as without a file.
    expect(fake.world.thread(message.id)!.name).toBe("how do I do number 3?");
  });

  it("takes a file alone in a thread as a follow-up: a PDF's text reaches the model", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("noor");
    const first = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> who built the pyramids?` });
    await fake.waitUntil(() => webhookPostsTo(fake, first.id).length >= 2);
    const pdf = fake.uploadAttachment({ channelId: first.id, filename: "essay.pdf", data: samplePdf("The pyramids of Giza were built by paid workers"), contentType: "application/pdf" });
    fake.userSays({ channelId: first.id, author: student, content: "", attachments: [pdf] });
    await fake.waitUntil(() => webhookPostsTo(fake, first.id).length >= 3);
    const request = bed.service.fakeOpenAI.requests.at(-1)!;
    expect(lastUserText(request)).toContain("[file: essay.pdf]");
    expect(lastUserText(request)).toContain("The pyramids of Giza were built by paid workers");
    expect(imagesOf(request)).toEqual([]);
    expect(attachmentsIn(bed, first.id)).toEqual([expect.objectContaining({ file_name: "essay.pdf", kind: "pdf", media_type: "application/pdf" })]);
  });

  it("reads /ask's image option", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("omar");
    const image = fake.uploadAttachment({ channelId: bed.homework, filename: "graph.jpg", data: await sampleImage(640, 480, "jpeg"), contentType: "image/jpeg", width: 640, height: 480 });
    fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", "What is the slope here?"), attachmentOption("image", image.id)] });
    await bed.service.fakeOpenAI.waitForRequests(1);
    const images = imagesOf(bed.service.fakeOpenAI.requests[0]!);
    expect(images.map((item) => item.mediaType)).toEqual(["image/jpeg"]);
    expect(lastUserText(bed.service.fakeOpenAI.requests[0]!)).toBe("What is the slope here?");
  });

  it("refuses a 30 MB image before downloading it: a notice names it and nothing is stored", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("pia");
    const huge = fake.uploadAttachment({ channelId: bed.homework, filename: "huge.png", data: new Uint8Array(30 * 1024 * 1024), contentType: "image/png" });
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is on this page?`, attachments: [huge] });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 3);
    const texts = webhookPostsTo(fake, message.id).map((call) => String(bodyOf(call).content));
    expect(texts[0]).toBe("I couldn't use one of your files:\n• huge.png: it is 30 MB; the limit is 10 MB per file.");
    expect(fake.cdnDownloads).toEqual([]);
    expect(attachmentsIn(bed, message.id)).toEqual([]);
    expect(imagesOf(bed.service.fakeOpenAI.requests[0]!)).toEqual([]);
  });

  it("with vision off, refuses images up front (not downloaded) and still reads text files", async () => {
    bed = await startDiscordTestBed({ attachments: { vision: false } });
    const { fake } = bed;
    const student = fake.addUser("quinn");
    const photo = fake.uploadAttachment({ channelId: bed.homework, filename: "page.png", data: await sampleImage(64, 64), contentType: "image/png" });
    const notes = fake.uploadAttachment({ channelId: bed.homework, filename: "notes.md", data: new TextEncoder().encode("# Notes\nx^2 - 9 = 0"), contentType: "text/markdown; charset=utf-8" });
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> solve it`, attachments: [photo, notes] });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 3);
    expect(String(bodyOf(webhookPostsTo(fake, message.id)[0]!).content)).toContain("page.png: I can't see images here");
    expect(fake.cdnDownloads).toHaveLength(1);
    const request = bed.service.fakeOpenAI.requests[0]!;
    expect(imagesOf(request)).toEqual([]);
    expect(lastUserText(request)).toContain("[file: notes.md]\n# Notes\nx^2 - 9 = 0");
  });

  it("forgets a student's files with their messages", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("rae");
    const photo = fake.uploadAttachment({ channelId: bed.homework, filename: "w.png", data: await sampleImage(100, 100), contentType: "image/png" });
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> help`, attachments: [photo] });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 2);
    expect(attachmentsIn(bed, message.id)).toHaveLength(1);
    (await forgetIn(bed.service.gateway, "discord", student.id));
    expect(bed.service.db.prepare("SELECT count(*) AS n FROM attachments").get()).toEqual({ n: 0 });
  });

  it("moderates a student's photo with the text (omni-moderation's image_url input)", async () => {
    bed = await startDiscordTestBed({ safety: { moderation: true } });
    const { fake } = bed;
    const student = fake.addUser("sam");
    const photo = fake.uploadAttachment({ channelId: bed.homework, filename: "w.png", data: await sampleImage(120, 80), contentType: "image/png" });
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> number 2 please`, attachments: [photo] });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 2);
    const [input] = bed.service.fakeOpenAI.moderations.requests;
    expect(input!.rejection).toBeUndefined();
    expect(input!.subjects).toHaveLength(1);
    expect(input!.subjects[0]!.text).toBe("number 2 please");
    expect(input!.subjects[0]!.imageUrls).toEqual([expect.stringMatching(/^data:image\/png;base64,/)]);
  });
});
