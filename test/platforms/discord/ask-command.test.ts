// End to end: /ask answered at once, a thread opened on the posted question, the agents' replies under their names.

import { afterEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { stringOption, type StoredInteraction } from "../../support/fake-discord/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { bodyOf, discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import { conversationsOf, transcriptOf } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Resolves once the interaction's thread exists and the service has posted `replies` replies in it. */
async function answered(bed: DiscordTestBed, interaction: StoredInteraction, replies: number): Promise<string> {
  const threadCall = await bed.fake.waitForCall((call) => /^\/channels\/\d+\/messages\/\d+\/threads$/.test(call.path) && call.status === 201);
  const threadId = (threadCall.response as { id: string }).id;
  await bed.fake.waitUntil(() => webhookPostsTo(bed.fake, threadId).length >= replies);
  expect(interaction.originalMessageId).toBe(threadId);
  return threadId;
}

describe("/ask", () => {
  it("defers at once, posts the question, opens a thread named after it and answers there under each agent's name", async () => {
    let release: () => void = () => undefined;
    const modelMayAnswer = new Promise<void>((resolve) => {
      release = resolve;
    });
    bed = await startDiscordTestBed({ responder: async (request) => ({ ...seedResponder(request), stallUntil: modelMayAnswer }) });
    const { fake } = bed;
    const student = fake.addUser("alice", { nickname: "Alice B." });
    const question = "What is the derivative of x^2? ".repeat(5).trim();
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", question)] });

    // The callback comes while the model is still stalled: the 3-second answer does not wait for the agents.
    const callback = await fake.waitForCall((call) => call.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(callback.status).toBe(204);
    expect(bodyOf(callback).type).toBe(5);
    expect(((bodyOf(callback).data ?? {}) as { flags?: number }).flags ?? 0).toBe(0);
    release();

    const threadId = await answered(bed, interaction, 2);
    const edit = fake.callsTo("PATCH", new RegExp(`/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`));
    expect(edit).toHaveLength(1);
    expect(bodyOf(edit[0]!).content).toBe(question);
    const thread = fake.world.thread(threadId)!;
    expect(thread.parent_id).toBe(bed.homework);
    expect(thread.name.length).toBeLessThanOrEqual(100);
    expect(thread.name.endsWith("…")).toBe(true);
    expect(question.startsWith(thread.name.slice(0, -1))).toBe(true);

    const posts = webhookPostsTo(fake, threadId);
    expect(posts.map((call) => bodyOf(call).username)).toEqual(["Triage", "Math Tutor"]);
    expect(posts.map((call) => bodyOf(call).avatar_url)).toEqual([
      "https://api.dicebear.com/9.x/bottts/png?seed=triage_agent",
      "https://api.dicebear.com/9.x/bottts/png?seed=math_tutor",
    ]);
    expect(bodyOf(posts[0]!).content).toBe("This is a math question. I'll hand this off to the math tutor.");
    expect(String(bodyOf(posts[1]!).content)).toContain("math_tutor on");
    for (const post of posts) {
      expect(post.status).toBe(200);
      expect(post.query.get("wait")).toBe("true");
      expect(bodyOf(post).allowed_mentions).toEqual({ parse: [] });
    }
    expect(fake.webhooksIn(bed.homework)).toHaveLength(1);
    expect(fake.messagesIn(threadId).map((message) => message.author.username)).toEqual(["Triage", "Math Tutor"]);

    // The typing indicator was on in the thread before the first reply.
    const typing = fake.calls.findIndex((call) => call.method === "POST" && call.path === `/channels/${threadId}/typing`);
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(typing).toBeLessThan(fake.calls.indexOf(posts[0]!));

    const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)))!;
    expect(transcript.trail).toEqual(["triage_agent", "math_tutor"]);
    expect(transcript.entries[0]).toMatchObject({ kind: "message", role: "user", author: "Alice B.", authorId: student.id, text: question });
    expect(fake.internalErrors).toEqual([]);
  });

  it("continues the conversation when a student writes in the thread, without a mention", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("bob");
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", "Who was Napoleon?")] });
    const threadId = await answered(bed, interaction, 2);
    expect(webhookPostsTo(fake, threadId).map((call) => bodyOf(call).username)).toEqual(["Triage", "History Tutor"]);

    fake.userSays({ channelId: threadId, author: student, content: "And what is 2+2?" });
    await fake.waitUntil(() => webhookPostsTo(fake, threadId).length >= 4);
    expect(webhookPostsTo(fake, threadId).map((call) => bodyOf(call).username)).toEqual(["Triage", "History Tutor", "Triage", "Math Tutor"]);

    const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)))!;
    const questions = transcript.entries.flatMap((entry) => (entry.kind === "message" && entry.role === "user" ? [entry.text] : []));
    // The webhook echoes of the replies came back over the gateway and were not taken for students' messages.
    expect(questions).toEqual(["Who was Napoleon?", "And what is 2+2?"]);
    expect((await conversationsOf(bed.service.gateway, { platform: "discord" }))).toHaveLength(1);
  });

  it("continues the conversation when /ask is used inside the bot's thread", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("cy");
    const first = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", "Who was Napoleon?")] });
    await bed.handled(first.id);
    const threadId = first.originalMessageId!;
    const second = fake.slashCommand({ name: "ask", user: student, channelId: threadId, options: [stringOption("question", "And what is 2+2?")] });
    await bed.handled(second.id);
    expect(fake.messagesIn(threadId).filter((message) => message.interaction_metadata?.id === second.id).map((m) => m.content)).toEqual([
      "And what is 2+2?",
    ]);
    expect(fake.threadsIn(bed.homework)).toHaveLength(1);
    const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)))!;
    expect(transcript.entries.flatMap((entry) => (entry.kind === "message" && entry.role === "user" ? [entry.text] : []))).toEqual([
      "Who was Napoleon?",
      "And what is 2+2?",
    ]);
    expect(webhookPostsTo(fake, threadId).map((call) => bodyOf(call).username)).toEqual(["Triage", "History Tutor", "Triage", "Math Tutor"]);
  });

  it("gives the agents and the thread name @names for mentions, and posts the question as written", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("flo");
    const friend = fake.addUser("gus", { nickname: "Gus" });
    // The friend is known to the client once they have written something.
    const hello = fake.userSays({ channelId: bed.general, author: friend, content: "hello" });
    await bed.waitForLog((line) => line.messageId === hello.id);
    const question = `<@${friend.id}> and I wonder: who was Napoleon?`;
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", question)] });
    await bed.handled(interaction.id);
    const threadId = interaction.originalMessageId!;
    expect(fake.world.messages.get(threadId)!.content).toBe(question);
    expect(fake.world.thread(threadId)!.name).toBe("@Gus and I wonder: who was Napoleon?");
    const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)))!;
    expect(transcript.entries[0]).toMatchObject({ kind: "message", role: "user", text: "@Gus and I wonder: who was Napoleon?" });
  });

  it("says which permission is missing when it may not open the thread", async () => {
    bed = await startDiscordTestBed({ beforeStart: (fake) => fake.setCanCreateThreads(false) });
    const { fake } = bed;
    const student = fake.addUser("dora");
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", "What is 2+2?")] });
    const followUp = await fake.waitForCall((call) => call.method === "POST" && call.path === `/webhooks/${fake.applicationId}/${interaction.token}`);
    expect(followUp.status).toBe(200);
    expect(bodyOf(followUp)).toMatchObject({ content: expect.stringContaining("Create Public Threads"), flags: MessageFlags.Ephemeral });
    expect((await conversationsOf(bed.service.gateway, { platform: "discord" }))).toEqual([]);
  });

  it("refuses, ephemerally, a question asked outside the allowed channels", async () => {
    bed = await startDiscordTestBed({ settings: (fake) => ({ channelIds: [fake.channelId("homework")] }) });
    const { fake } = bed;
    const student = fake.addUser("carol");
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.general, options: [stringOption("question", "What is 2+2?")] });
    const callback = await fake.waitForCall((call) => call.path.startsWith(`/interactions/${interaction.id}/`));
    expect(bodyOf(callback).type).toBe(4);
    const data = bodyOf(callback).data as { content: string; flags: number };
    expect(data.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(data.content).toContain(`<#${bed.homework}>`);
    expect(fake.threadsIn(bed.general)).toEqual([]);
    expect((await conversationsOf(bed.service.gateway, { platform: "discord" }))).toEqual([]);
  });
});
