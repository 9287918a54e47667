// End to end: how replies are posted — one webhook per channel, its loss and absence, long answers, and no pings.

import { afterEach, describe, expect, it } from "vitest";
import type { OutboundReply } from "../../../src/bot/ports.js";
import { stringOption, type FakeDiscord } from "../../support/fake-discord/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, postingCalls, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** A student mentions the bot in #homework; resolves with the new thread's id once the answer is all posted. */
async function ask(bed: DiscordTestBed, text: string): Promise<string> {
  const student = bed.fake.addUser(`student${bed.fake.calls.length}`);
  const message = bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${text}` });
  await bed.handled(message.id);
  return message.id;
}

function repliesIn(fake: FakeDiscord, threadId: string): number {
  return fake
    .messagesIn(threadId)
    .filter((message) => message.webhook_id !== undefined || (message.author.id === fake.botUser.id && message.content.startsWith("**"))).length;
}

function createWebhookCalls(fake: FakeDiscord, channelId: string) {
  return fake.callsTo("POST", new RegExp(`^/channels/${channelId}/webhooks$`));
}

describe("replies", () => {
  it("posts as the bot with the agent's name in bold where it may not manage webhooks, and says why once", async () => {
    bed = await startDiscordTestBed({ beforeStart: (fake) => fake.setCanManageWebhooks(false) });
    const { fake } = bed;
    const first = await ask(bed, "what is 2+2?");
    const second = await ask(bed, "who was Cleopatra?");
    const posts = fake.callsTo("POST", new RegExp(`^/channels/${first}/messages$`));
    expect(posts.map((call) => String(bodyOf(call).content).split("\n")[0])).toEqual(["**Triage**", "**Math Tutor**"]);
    expect(bodyOf(posts[0]!).content).toBe("**Triage**\nThis is a math question. I'll hand this off to the math tutor.");
    expect(posts.every((call) => call.status === 200)).toBe(true);
    expect(fake.messagesIn(second).map((message) => message.content.split("\n")[0])).toEqual(["**Triage**", "**History Tutor**"]);
    expect(fake.webhooksIn(bed.homework)).toEqual([]);
    expect(webhookPostsTo(fake, first)).toEqual([]);
    const warnings = bed.logs.filter((line) => line.level === 40 && String(line.msg).includes("Manage Webhooks"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ channelId: bed.homework, code: 50013 });
  });

  it("creates exactly one webhook when several threads of a channel get their first replies at once", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const triage = bed.service.gateway.agents().get("triage_agent")!;
    const threads = Array.from({ length: 4 }, (_, i) => fake.world.createThread({ parentId: bed!.homework, name: `q${i}`, ownerId: fake.botUser.id }));
    const replies: OutboundReply[] = threads.map((thread, i) => ({
      platform: "discord",
      workspace: fake.guildId,
      channel: bed!.homework,
      thread: thread.id,
      replyId: i + 1,
      conversationId: i + 1,
      agent: triage,
      text: `reply ${i}`,
      kind: "agent",
    }));
    const ids = await Promise.all(replies.map((reply) => bed!.port.deliver(reply)));
    expect(createWebhookCalls(fake, bed.homework)).toHaveLength(1);
    expect(fake.webhooksIn(bed.homework)).toHaveLength(1);
    threads.forEach((thread, i) => expect(fake.messagesIn(thread.id).map((message) => [message.id, message.content])).toEqual([[ids[i], `reply ${i}`]]));
  });

  it("creates one webhook for two /ask questions answered at the same time", async () => {
    let release: () => void = () => undefined;
    const bothAsked = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Both turns wait at the model until both questions are in: their first replies then race for the webhook.
    bed = await startDiscordTestBed({ responder: async (request) => ({ ...seedResponder(request), stallUntil: bothAsked }) });
    const { fake } = bed;
    const [a, b] = [fake.addUser("ana"), fake.addUser("ben")];
    const first = fake.slashCommand({ name: "ask", user: a, channelId: bed.homework, options: [stringOption("question", "what is 2+2?")] });
    const second = fake.slashCommand({ name: "ask", user: b, channelId: bed.homework, options: [stringOption("question", "who was Caesar?")] });
    await bed.service.fakeOpenAI.waitForRequests(2);
    release();
    await Promise.all([bed.handled(first.id), bed.handled(second.id)]);
    expect(createWebhookCalls(fake, bed.homework)).toHaveLength(1);
    for (const thread of fake.threadsIn(bed.homework)) expect(repliesIn(fake, thread.id)).toBe(2);
  });

  it("reuses the webhook it made in an earlier run, and never someone else's", async () => {
    let mine = "";
    bed = await startDiscordTestBed({
      beforeStart: (fake) => {
        const theirs = fake.world.createWebhook(fake.channelId("homework"), "Someone's hook");
        theirs.user = { ...fake.world.addUser("mod") };
        theirs.application_id = null;
        mine = fake.world.createWebhook(fake.channelId("homework"), "Baton").id;
      },
    });
    const thread = await ask(bed, "what is 2+2?");
    expect(createWebhookCalls(bed.fake, bed.homework)).toEqual([]);
    expect(webhookPostsTo(bed.fake, thread).every((call) => call.path.startsWith(`/webhooks/${mine}/`))).toBe(true);
  });

  it("recreates a webhook someone deleted (10015) and posts the reply through the new one", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const thread = await ask(bed, "what is 2+2?");
    const [old] = fake.webhooksIn(bed.homework);
    fake.deleteWebhook(old!.id);
    const student = fake.messagesIn(bed.homework).find((message) => message.id === thread)!.author;
    const followUp = fake.userSays({ channelId: thread, author: student, content: "and 3+3?" });
    await bed.handled(followUp.id);
    const refused = fake.callsTo("POST", new RegExp(`^/webhooks/${old!.id}/`)).filter((call) => call.status === 404);
    expect(refused).toHaveLength(1);
    expect((refused[0]!.response as { code: number }).code).toBe(10015);
    expect(createWebhookCalls(fake, bed.homework)).toHaveLength(2);
    const [fresh] = fake.webhooksIn(bed.homework);
    expect(fresh!.id).not.toBe(old!.id);
    expect(webhookPostsTo(fake, thread).filter((call) => call.status === 200)).toHaveLength(4);
    const replies = fake.messagesIn(thread).filter((message) => message.webhook_id !== undefined);
    expect(replies.map((message) => [message.webhook_id, message.author.username])).toEqual([
      [old!.id, "Triage"],
      [old!.id, "Math Tutor"],
      [fresh!.id, "Triage"],
      [fresh!.id, "Math Tutor"],
    ]);
  });

  it("splits a 5,000-character answer into valid messages, closing and reopening its code block", async () => {
    const code = Array.from({ length: 80 }, (_, i) => `    total = total + term(${i})  # running sum`).join("\n");
    const longAnswer = `${"Let us work through the series step by step. ".repeat(25)}\n\n\`\`\`python\n${code}\n\`\`\`\n\n${"So the sum converges. ".repeat(40)}`;
    expect(longAnswer.length).toBeGreaterThan(5000);
    bed = await startDiscordTestBed({
      responder: (request) => (requestAgent(request) === "math_tutor" ? { text: longAnswer } : seedResponder(request)),
    });
    const { fake } = bed;
    const thread = await ask(bed, "sum the series 1+2+3");
    const pieces = webhookPostsTo(fake, thread).slice(1).map((call) => String(bodyOf(call).content));
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(2000);
      expect((piece.split("```").length - 1) % 2).toBe(0);
    }
    expect(pieces.some((piece) => piece.startsWith("```python\n"))).toBe(true);
    expect(webhookPostsTo(fake, thread).every((call) => call.status === 200 && bodyOf(call).username !== undefined)).toBe(true);
    const stripped = (text: string) => text.replace(/```(python)?/g, "").replace(/\s+/g, " ").trim();
    expect(stripped(pieces.join(" "))).toBe(stripped(longAnswer));
  });

  it("never lets a model's @everyone or user mention ping anyone", async () => {
    bed = await startDiscordTestBed({
      responder: (request) =>
        requestAgent(request) === "math_tutor" ? { text: "@everyone look! @here too, and <@123456789012345678>." } : seedResponder(request),
    });
    const { fake } = bed;
    const victim = fake.addUser("victim");
    const thread = await ask(bed, `what is 2+2? cc <@${victim.id}> @everyone`);
    fake.slashCommand({ name: "ask", user: victim, channelId: bed.homework, options: [stringOption("question", "@everyone what is 1+1?")] });
    await fake.waitUntil(() => fake.threadsIn(bed!.homework).length === 2 && fake.threadsIn(bed!.homework).every((t) => repliesIn(fake, t.id) >= 2));
    const posts = postingCalls(fake);
    expect(posts.length).toBeGreaterThanOrEqual(5);
    for (const post of posts) {
      const body = bodyOf(post);
      const mentions = body.type === 4 ? (body.data as Record<string, unknown>).allowed_mentions : body.allowed_mentions;
      expect(mentions).toEqual({ parse: [] });
    }
    const botMessages = [...fake.world.messages.values()].filter((message) => message.webhook_id !== undefined || message.author.id === fake.botUser.id);
    expect(botMessages.length).toBeGreaterThanOrEqual(5);
    for (const message of botMessages) {
      expect(message.mention_everyone).toBe(false);
      expect(message.mentions).toEqual([]);
    }
    expect(fake.messagesIn(thread).some((message) => message.content.includes("@everyone look!"))).toBe(true);
  });

  it("names agents as Discord allows and returns the id of the first piece", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const thread = fake.world.createThread({ parentId: bed.homework, name: "q", ownerId: fake.botUser.id });
    const id = await bed.port.deliver({
      platform: "discord",
      workspace: fake.guildId,
      channel: bed.homework,
      thread: thread.id,
      replyId: 1,
      conversationId: 1,
      agent: { name: "helper", displayName: "Discord Helper", avatarUrl: "not-a-url" },
      text: "word ".repeat(700),
      kind: "agent",
    });
    const posted = fake.messagesIn(thread.id);
    expect(posted.length).toBe(2);
    expect(id).toBe(posted[0]!.id);
    const calls = webhookPostsTo(fake, thread.id);
    expect(calls.map((call) => bodyOf(call).username)).toEqual(["Helper", "Helper"]);
    expect(calls.every((call) => bodyOf(call).avatar_url === undefined)).toBe(true);
  });
});
