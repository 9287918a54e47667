// Classroom safety on Discord end to end: the real discord.js client against the fake Discord, the real service with the
// fake OpenAI server's /v1/moderations scripted — blocked messages, the alert embed and its link, withheld answers edited
// away, an outage let through, and the daily cap.

import { PermissionFlagsBits, type APIEmbed } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { USAGE_CAP_NOTICE } from "../../../src/bot/usage-meter.js";
import { DEFAULT_HELP_RESOURCES } from "../../../src/config/safety-policy.js";
import type { ServiceHarnessOptions } from "../../support/service-harness.js";
import type { FakeDiscord } from "../../support/fake-discord/index.js";
import type { FakeResponder } from "../../support/fake-openai-server.js";
import { bodyOf, discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import { transcriptOf } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const WITHHELD = "This answer was withheld by Baton's safety check. A teacher can review it.";

async function start(
  options: { safety?: ServiceHarnessOptions["safety"]; responder?: FakeResponder; beforeStart?: (fake: FakeDiscord) => void } = {},
): Promise<DiscordTestBed> {
  bed = await startDiscordTestBed({
    ...(options.beforeStart === undefined ? {} : { beforeStart: options.beforeStart }),
    fake: { channelNames: ["homework", "general", "moderators"] },
    settings: (fake) => ({ alertChannelId: fake.channelId("moderators") }),
    safety: options.safety ?? { moderation: true },
    ...(options.responder === undefined ? {} : { responder: options.responder }),
  });
  return bed;
}

/** A student mentions the bot in #homework; resolves once the service has handled it (alerts may still be on their way). */
async function ask(bed: DiscordTestBed, text: string, username = "ada") {
  const student = bed.fake.addUser(username, { nickname: "Ada L." });
  const message = bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${text}` });
  await bed.handled(message.id);
  return { student, message, thread: message.id };
}

const chatCompletions = (bed: DiscordTestBed) => bed.service.fakeOpenAI.requests.length;
/** Alerts and withheld-answer edits run beside the turn: wait for them. */
const alertsSettled = (bed: DiscordTestBed) => bed.service.service.classroomSafety()!.settled();
const alertMessages = (bed: DiscordTestBed) => bed.fake.messagesIn(bed.fake.channelId("moderators"));

describe("Discord: a student writes about self-harm", () => {
  it("never reaches an agent, gets the caring reply, and raises one urgent alert whose link opens the student's message", async () => {
    const bed = await start();
    bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.91 });
    const { student, message, thread } = await ask(bed, "I want to die **tonight** @everyone <@123456789012345678> [help](https://evil.example)");
    await alertsSettled(bed);

    expect(chatCompletions(bed)).toBe(0);
    const replies = webhookPostsTo(bed.fake, thread);
    expect(replies).toHaveLength(1);
    expect(String(bodyOf(replies[0]!).content)).toContain(DEFAULT_HELP_RESOURCES);

    const alerts = alertMessages(bed);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert!.author.id).toBe(bed.fake.botUser.id);
    expect(alert!.mention_everyone).toBe(false);
    expect(alert!.mentions).toEqual([]);
    const embed = alert!.embeds[0] as APIEmbed;
    expect(embed.color).toBe(0xd93025);
    expect(embed.title).toBe("Urgent: self-harm/intent");
    // The link opens the student's own message: a thread started from a message keeps it in the parent channel.
    const link = `https://discord.com/channels/${bed.fake.guildId}/${bed.homework}/${message.id}`;
    expect(embed.url).toBe(link);
    expect(bed.fake.world.messages.get(message.id)!.channel_id).toBe(bed.homework);
    expect(embed.description).toContain("\\*\\*tonight\\*\\*");
    // A masked link in the student's words stays text: it is not a link in the moderators' channel.
    expect(embed.description).toContain("\\[help](https://evil.example)");
    const field = (name: string) => embed.fields!.find((f) => f.name === name)?.value;
    expect(field("Student")).toBe(`Ada L. (${student.id})`);
    expect(field("Category")).toBe("self-harm/intent (0.96), self-harm (0.91)");
    expect(field("Message")).toBe(`[Open in Discord](${link})`);
    const call = bed.fake.callsTo("POST", new RegExp(`^/channels/${bed.fake.channelId("moderators")}/messages$`))[0]!;
    expect(bodyOf(call).allowed_mentions).toEqual({ parse: [] });

    // The flag holds the message; the transcript does not (no agent can ever read it).
    const flags = await bed.service.service.classroomSafety()!.listFlags({ platform: "discord", workspace: bed.fake.guildId });
    expect(flags).toMatchObject([{ action: "block", severity: "urgent", platformMessageId: message.id, alert: "sent" }]);
  });

  it("a second urgent message alerts again; a second violent one in the same hour does not", async () => {
    const bed = await start({ responder: () => ({ text: "Many, on both sides." }) });
    bed.service.fakeOpenAI.moderations.script("battle", { violence: 0.7 });
    bed.service.fakeOpenAI.moderations.script("hurt myself", { "self-harm/intent": 0.9 });
    const { thread } = await ask(bed, "How many died in the battle of Hastings?");
    const follow = (text: string) => {
      const author = bed.fake.world.users.get(bed.fake.world.messages.get(thread)!.author.id)!;
      const message = bed.fake.userSays({ channelId: thread, author, content: text });
      return bed.handled(message.id).then(() => message);
    };
    await follow("And the battle of Stamford Bridge?");
    const urgent = await follow("I hurt myself");
    await follow("I hurt myself again");
    await alertsSettled(bed);
    const embeds = alertMessages(bed).map((m) => m.embeds[0] as APIEmbed);
    expect(embeds.map((e) => e.title)).toEqual(["Alert: violence", "Urgent: self-harm/intent", "Urgent: self-harm/intent"]);
    expect(embeds[0]!.color).toBe(0xf29900);
    // A follow-up lives in the thread: its link names the thread.
    expect(embeds[1]!.url).toBe(`https://discord.com/channels/${bed.fake.guildId}/${thread}/${urgent.id}`);
  });
});

describe("Discord: a flagged answer", () => {
  it("is edited away through the webhook (thread_id) and kept in the transcript for moderators", async () => {
    const bed = await start();
    bed.service.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    const { thread } = await ask(bed, "Tell me about Hastings?");
    await alertsSettled(bed);
    const posts = webhookPostsTo(bed.fake, thread);
    expect(posts).toHaveLength(2);
    const answerId = String((posts[1]!.response as { id: string }).id);
    const edits = bed.fake.callsTo("PATCH", /^\/webhooks\/\d+\/[^/]+\/messages\/\d+$/);
    expect(edits).toHaveLength(1);
    expect(edits[0]!.path.endsWith(`/messages/${answerId}`)).toBe(true);
    expect(edits[0]!.query.get("thread_id")).toBe(thread);
    expect(edits[0]!.status).toBe(200);
    expect(bed.fake.world.messages.get(answerId)!.content).toBe(WITHHELD);
    expect(bed.fake.world.messages.get(answerId)!.edited_timestamp).not.toBeNull();
    const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, thread)))!;
    expect(transcript.entries.some((e) => e.kind === "message" && e.text.endsWith("here is the answer."))).toBe(true);
    const [alert] = alertMessages(bed);
    expect((alert!.embeds[0] as APIEmbed).url).toBe(`https://discord.com/channels/${bed.fake.guildId}/${thread}/${answerId}`);
  });

  it("posted as the bot (no Manage Webhooks): edited through the channel, the agent's name kept", async () => {
    const bed = await start({ beforeStart: (fake) => fake.setCanManageWebhooks(false) });
    bed.service.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    const { thread } = await ask(bed, "Tell me about Hastings?");
    await alertsSettled(bed);
    const edits = bed.fake.callsTo("PATCH", new RegExp(`^/channels/${thread}/messages/\\d+$`));
    expect(edits.map((call) => [call.status, bodyOf(call).content])).toEqual([[200, `**History Tutor**\n${WITHHELD}`]]);
  });

  it("split in pieces: every piece is edited (the first carries the notice)", async () => {
    const long = `${"The battle raged on and on. ".repeat(100)}Then came the gore.`;
    const bed = await start({ responder: () => ({ text: long }) });
    bed.service.fakeOpenAI.moderations.script("came the gore", { "violence/graphic": 0.9 });
    const { thread } = await ask(bed, "Tell me about a battle");
    await alertsSettled(bed);
    const posted = bed.fake.messagesIn(thread).filter((m) => m.webhook_id !== undefined);
    expect(posted.length).toBeGreaterThan(1);
    expect(posted.map((m) => m.content)).toEqual([WITHHELD, ...posted.slice(1).map(() => "_(withheld)_")]);
  });
});

describe("Discord: moderation outage and caps", () => {
  it("an outage (500, then 429) lets the turn through, marks the messages unchecked, and warns once per outage", async () => {
    const bed = await start();
    bed.service.fakeOpenAI.moderations.failWith({ status: 500 });
    const { thread } = await ask(bed, "What is 2+2?");
    expect(chatCompletions(bed)).toBeGreaterThan(0);
    expect(webhookPostsTo(bed.fake, thread).length).toBe(2);
    const author = bed.fake.world.users.get(bed.fake.world.messages.get(thread)!.author.id)!;
    bed.service.fakeOpenAI.moderations.failWith({ status: 429, retryAfterSeconds: 0 });
    const second = bed.fake.userSays({ channelId: thread, author, content: "And 3+3?" });
    await bed.handled(second.id);
    expect(webhookPostsTo(bed.fake, thread).length).toBe(4);
    const conversation = bed.service.store.findConversation(discordThread(bed, bed.homework, thread))!;
    expect((await bed.service.service.classroomSafety()!.flagsOf(conversation.id)).map((f) => f.action)).toEqual(["unchecked", "unchecked"]);
    expect(bed.logs.filter((line) => line.level === 40 && String(line.msg).startsWith("moderation is failing"))).toHaveLength(1);
    expect(alertMessages(bed)).toEqual([]);
  });

  it("over the student's daily cap: the polite notice, and no chat completion request", async () => {
    const bed = await start({ safety: { moderation: true, caps: { dailyTokensPerUser: 1 } } });
    const { thread } = await ask(bed, "What is 2+2?");
    const calls = chatCompletions(bed);
    expect(calls).toBeGreaterThan(0);
    const author = bed.fake.world.users.get(bed.fake.world.messages.get(thread)!.author.id)!;
    const second = bed.fake.userSays({ channelId: thread, author, content: "And 3+3?" });
    await bed.handled(second.id);
    expect(chatCompletions(bed)).toBe(calls);
    expect(bodyOf(webhookPostsTo(bed.fake, thread).at(-1)!).content).toBe(USAGE_CAP_NOTICE);
  });
});

describe("Discord: without an alert channel", () => {
  it("warns at start, naming DISCORD_ALERT_CHANNEL_ID; with one, it does not", async () => {
    bed = await startDiscordTestBed();
    expect(bed.logs.filter((l) => l.level === 40 && String(l.msg).includes("DISCORD_ALERT_CHANNEL_ID"))).toHaveLength(1);
    await bed.close();
    const withChannel = await start();
    expect(withChannel.logs.filter((l) => String(l.msg).includes("DISCORD_ALERT_CHANNEL_ID"))).toEqual([]);
  });
});

describe("Discord: an alert channel the bot may not post in", () => {
  it("is refused (403 50013): logged once, not retried, the flag kept as not alerted; the student still gets the caring reply", async () => {
    const bed = await start({
      beforeStart: (fake) =>
        fake.setOverwrite(fake.channelId("moderators"), { id: fake.world.botRoleId, type: 0, allow: "0", deny: String(PermissionFlagsBits.SendMessages) }),
    });
    bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    const { thread } = await ask(bed, "I want to die");
    await alertsSettled(bed);
    expect(webhookPostsTo(bed.fake, thread)).toHaveLength(1);
    const posts = bed.fake.calls.filter((c) => c.method === "POST" && c.path === `/channels/${bed.fake.channelId("moderators")}/messages`);
    expect(posts.map((c) => [c.status, (c.response as { code?: number }).code])).toEqual([[403, 50013]]);
    expect(bed.logs.filter((l) => String(l.msg).startsWith("could not post a safety alert"))).toHaveLength(1);
    const flags = await bed.service.service.classroomSafety()!.listFlags({ platform: "discord", workspace: bed.fake.guildId });
    expect(flags[0]!.alert).toBe("failed");
  });

  it("500s from Discord past discord.js's own retries: Baton tries again until the alert is posted, with one log line", async () => {
    const bed = await start({ beforeStart: (fake) => fake.failWithServerError({ method: "POST", path: new RegExp(`^/channels/${fake.channelId("moderators")}/messages$`), times: 6 }) });
    bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    await ask(bed, "I want to die");
    await alertsSettled(bed);
    expect(alertMessages(bed)).toHaveLength(1);
    expect(bed.fake.faultsServed()).toBe(6);
    expect(bed.logs.filter((l) => String(l.msg).startsWith("could not post a safety alert"))).toHaveLength(1);
  });
});

describe("Discord: /history shows the flags", () => {
  it("a moderator's /history marks the blocked message and the withheld answer", async () => {
    const bed = await start();
    bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    bed.service.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    const { thread, student } = await ask(bed, "Tell me about Hastings?");
    const author = bed.fake.world.users.get(student.id)!;
    const second = bed.fake.userSays({ channelId: thread, author, content: "I want to die" });
    await bed.handled(second.id);
    const role = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
    const moderator = bed.fake.addUser("mod", { roles: [role.id] });
    const interaction = bed.fake.slashCommand({ name: "history", user: moderator, channelId: thread, options: [] });
    const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
    const content = String((bodyOf(call).data as { content: string }).content).replaceAll("\\", "");
    expect(content).toMatch(/here is the answer\.\n> ⚑ alert · withheld: the student saw a notice instead · violence\/graphic 0\.80 · flag #\d+/);
    expect(content).toMatch(/I want to die\n> ⚑ urgent · blocked: no agent saw it · self-harm\/intent 0\.96 · flag #\d+/);
  });
});
