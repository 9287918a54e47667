// End to end: a mention opens a thread; what the bot must ignore; attachment-only messages; follow-ups mid-answer.

import { afterEach, describe, expect, it } from "vitest";
import { ChannelType, GatewayDispatchEvents, MessageType } from "discord.js";
import { Intent } from "../../support/fake-discord/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { bodyOf, discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import { conversationsOf, transcriptOf } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function questionsIn(bed: DiscordTestBed, threadId: string): Promise<string[]> {
  const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)));
  return (transcript?.entries ?? []).flatMap((entry) => (entry.kind === "message" && entry.role === "user" ? [entry.text] : []));
}

describe("mentions and messages", () => {
  it("opens a thread on a student's mention with a question and answers in it", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("dana");
    const classmate = fake.addUser("eli");
    const message = fake.userSays({
      channelId: bed.homework,
      author: student,
      content: `<@${fake.botUser.id}> my friend <@${classmate.id}> asks: what is 3*4?`,
    });
    await fake.waitUntil(() => webhookPostsTo(fake, message.id).length >= 2);
    // A thread started from a message has the message's id.
    const thread = fake.world.thread(message.id)!;
    expect(thread.parent_id).toBe(bed.homework);
    expect(thread.name).toBe(`my friend <@${classmate.id}> asks: what is 3*4?`.replace(`<@${classmate.id}>`, "@eli"));
    expect(webhookPostsTo(fake, message.id).map((call) => bodyOf(call).username)).toEqual(["Triage", "Math Tutor"]);
    expect(await questionsIn(bed, message.id)).toEqual(["my friend @eli asks: what is 3*4?"]);
  });

  it("ignores bots, webhooks, system messages, empty mentions, other channels and threads it did not open", async () => {
    bed = await startDiscordTestBed({ settings: (fake) => ({ channelIds: [fake.channelId("homework")] }) });
    const { fake } = bed;
    const student = fake.addUser("finn");
    const otherBot = fake.addUser("helper-bot", { bot: true });
    const mention = `<@${fake.botUser.id}>`;
    fake.userSays({ channelId: bed.homework, author: student, content: "what is 2+2? (no mention)" });
    fake.userSays({ channelId: bed.homework, author: otherBot, content: `${mention} what is 2+2?` });
    fake.userSays({ channelId: bed.homework, author: student, content: `${mention} pinned`, type: MessageType.ChannelPinnedMessage });
    fake.userSays({ channelId: bed.homework, author: student, content: mention });
    fake.userSays({ channelId: bed.general, author: student, content: `${mention} what is 2+2?` });
    const foreignHook = fake.world.createWebhook(bed.homework, "GitHub");
    const hookMessage = fake.world.createMessage({
      channelId: bed.homework,
      author: { id: foreignHook.id, username: "GitHub", discriminator: "0000", global_name: null, avatar: null },
      content: `${mention} what is 2+2?`,
      allowedMentions: { parse: ["users"], users: [], roles: [] },
      webhookId: foreignHook.id,
    });
    fake.gateway.dispatchMessage("MESSAGE_CREATE", hookMessage);
    const humanThread = fake.world.createThread({ parentId: bed.homework, name: "study group", ownerId: student.id });
    fake.gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...humanThread, newly_created: true }, Intent.Guilds);
    fake.userSays({ channelId: humanThread.id, author: student, content: "what is 5+5?" });

    // The gateway delivers in order: once this last question is answered, every message above has been seen.
    const last = fake.userSays({ channelId: bed.homework, author: student, content: `${mention} what is 6*7?` });
    await fake.waitUntil(() => webhookPostsTo(fake, last.id).length >= 2);
    const conversations = (await conversationsOf(bed.service.gateway, { platform: "discord" }));
    expect(conversations.map((conversation) => conversation.thread.thread)).toEqual([last.id]);
    expect(fake.threadsIn(bed.homework).map((thread) => thread.id).sort()).toEqual([humanThread.id, last.id].sort());
    expect(fake.threadsIn(bed.general)).toEqual([]);
    expect(fake.callsTo("POST", /^\/channels\/\d+\/messages$/)).toEqual([]);
    expect(bed.logs.filter((line) => line.msg === "discord: message ignored").map((line) => line.reason)).toEqual(
      expect.arrayContaining(["not_addressed", "bot", "system", "empty", "webhook"]),
    );
  });

  it("tells the student which file of an attachment-only message it could not use (an expired CDN link), without pinging", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("gia");
    const first = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> who built the pyramids?` });
    await fake.waitUntil(() => webhookPostsTo(fake, first.id).length >= 2);
    const picture = fake.uploadAttachment({ channelId: first.id, filename: "homework.png", data: new Uint8Array(1024), contentType: "image/png", expiresInSeconds: -60 });
    fake.userSays({ channelId: first.id, author: student, content: "", attachments: [picture] });
    await fake.waitUntil(() => webhookPostsTo(fake, first.id).length >= 3);
    const notice = webhookPostsTo(fake, first.id)[2]!;
    expect(bodyOf(notice)).toMatchObject({ content: expect.stringContaining("homework.png: I couldn't download it"), allowed_mentions: { parse: [] } });
    expect(fake.cdnDownloads.map((download) => download.status)).toEqual([404]);
    expect(await questionsIn(bed, first.id)).toEqual(["who built the pyramids?"]);
  });

  it("tells the student when it may not open a thread, and starts no conversation", async () => {
    bed = await startDiscordTestBed({ beforeStart: (fake) => fake.setCanCreateThreads(false) });
    const { fake } = bed;
    const student = fake.addUser("ike");
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is 2+2?` });
    const notice = await fake.waitForCall((call) => call.method === "POST" && call.path === `/channels/${bed!.homework}/messages`);
    expect(bodyOf(notice)).toMatchObject({
      content: expect.stringContaining("Create Public Threads"),
      allowed_mentions: { parse: [], replied_user: false },
      message_reference: { message_id: message.id },
    });
    expect((await conversationsOf(bed.service.gateway, { platform: "discord" }))).toEqual([]);
    expect(bed.service.fakeOpenAI.requests).toEqual([]);
  });

  it("counts a follow-up written while the first answer is still coming", async () => {
    let release: () => void = () => undefined;
    const firstAnswer = new Promise<void>((resolve) => {
      release = resolve;
    });
    bed = await startDiscordTestBed({ responder: async (request) => ({ ...seedResponder(request), stallUntil: firstAnswer }) });
    const { fake } = bed;
    const student = fake.addUser("hal");
    const first = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is 7*8?` });
    await fake.waitForCall((call) => call.path === `/channels/${bed!.homework}/messages/${first.id}/threads`);
    await bed.service.fakeOpenAI.waitForRequests(1);
    expect(fake.world.thread(first.id)?.type).toBe(ChannelType.PublicThread);
    fake.userSays({ channelId: first.id, author: student, content: "and 9*9?" });
    release();
    await fake.waitUntil(() => webhookPostsTo(fake, first.id).length >= 4);
    expect(await questionsIn(bed, first.id)).toEqual(["what is 7*8?", "and 9*9?"]);
  });
});
