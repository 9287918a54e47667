// The Slack adapter end to end: Bolt's real HTTP receiver, the real ConversationService on SQLite, the fake model and fake Slack.
import { afterEach, describe, expect, it } from "vitest";
import { eventCallback, FULL_SCOPES, messageEvent, slashCommandBody } from "../../support/fake-slack/index.js";
import type { FakeSlackMessage } from "../../support/fake-slack/index.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import type { SlackSettings } from "../../../src/platforms/slack/index.js";
import { CHANNEL, MODERATOR, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";
import { conversationsOf, transcriptOf } from "../../support/moderator-reads.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

async function start(options: { scopes?: readonly string[]; settings?: Partial<SlackSettings> } = {}): Promise<{ h: ServiceHarness; t: SlackTestBot }> {
  h = await startServiceHarness();
  t = await startSlackTestBot({ gateway: h.gateway, fakeOptions: options.scopes ? { scopes: options.scopes } : {}, ...(options.settings === undefined ? {} : { settings: options.settings }) });
  return { h, t };
}

function ask(bot: SlackTestBot, text: string, command = "/homework", userId: string = STUDENT.id): Promise<{ status: number }> {
  return bot.sender.sendCommand(
    slashCommandBody({
      command,
      text,
      userId,
      userName: STUDENT.name,
      channelId: CHANNEL,
      teamId: bot.fake.identity.teamId,
      teamDomain: bot.fake.identity.teamDomain,
      responseUrl: bot.fake.responseUrl(),
    }),
  );
}

/** Asks through /homework and waits for the whole turn; returns the root message and the thread's replies. */
async function askAndWait(bot: SlackTestBot, text: string): Promise<{ root: FakeSlackMessage; replies: FakeSlackMessage[] }> {
  expect((await ask(bot, text)).status).toBe(200);
  await bot.bot.idle();
  const root = bot.fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined && m.text.includes(text.slice(0, 20)));
  if (root === undefined) throw new Error("no root message was posted");
  return { root, replies: bot.fake.messages({ channel: CHANNEL, threadTs: root.ts }) };
}

const ref = (bot: SlackTestBot, thread: string) => ({ platform: "slack", workspace: bot.fake.identity.teamId, channel: CHANNEL, thread });

describe("Slack end to end", () => {
  it("acknowledges /homework while the model is stalled, then posts each agent's reply under its name in the thread", async () => {
    const { h, t } = await start();
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    h.fakeOpenAI.enqueue({
      text: "This is a math question. I'll hand this off to the math tutor.",
      toolCalls: [{ name: "handoff_to_math_tutor", arguments: { reason: "math" } }],
      stallUntil: stalled,
    });

    expect((await ask(t, "What is the derivative of x^2?")).status).toBe(200);
    await h.fakeOpenAI.waitForRequests(1);
    const [root] = t.fake.messages({ channel: CHANNEL });
    expect(root?.text).toBe(`<@${STUDENT.id}> asked: What is the derivative of x^2?`);
    expect(t.fake.messages({ threadTs: root?.ts })).toEqual([]);

    release();
    await t.bot.idle();
    const replies = t.fake.messages({ channel: CHANNEL, threadTs: root?.ts });
    expect(replies.map((m) => [m.username, m.iconEmoji])).toEqual([
      ["Triage", ":compass:"],
      ["Math Tutor", ":triangular_ruler:"],
    ]);
    expect(replies[1]?.text).toBe('math_tutor on "What is the derivative of x^2?": here is the answer.');
    const transcript = (await transcriptOf(h.gateway, ref(t, root?.ts ?? "")));
    expect(transcript?.entries.filter((e) => e.kind === "message").map((e) => e.kind === "message" && e.author)).toEqual(["Ada Lovelace", "Triage", "Math Tutor"]);
  });

  it("retries a reply Slack answered with internal_error in-process, keeping the thread's order (replies posted whole)", async () => {
    const { t } = await start({ settings: { streamReplies: false } });
    // The first reply's post fails once (after the root message went up); the service tries it again at once.
    t.fake.failNext("chat.postMessage", "internal_error", { afterCalls: 1 });
    const { replies } = await askAndWait(t, "What is the derivative of x^2?");
    expect(replies.map((m) => m.username)).toEqual(["Triage", "Math Tutor"]);
    expect(t.fake.callsTo("chat.postMessage").map((c) => c.answer.error ?? "ok")).toEqual(["ok", "internal_error", "ok", "ok"]);
  });

  it("retries a streamed reply's stop Slack answered with internal_error, on the same message, keeping the thread's order", async () => {
    const { t } = await start();
    t.fake.failNext("chat.stopStream", "internal_error");
    const { replies } = await askAndWait(t, "What is the derivative of x^2?");
    expect(replies.map((m) => [m.username, m.text])).toEqual([
      ["Triage", "This is a math question. I'll hand this off to the math tutor."],
      ["Math Tutor", 'math_tutor on "What is the derivative of x^2?": here is the answer.'],
    ]);
    // Triage's stop failed once and went again on the same message; the tutor's words waited for it (the fake model
    // writes at once, so they may all be there by then: streamed and stopped, or posted whole — once either way).
    const [narration, answer] = replies;
    expect(narration!.stream?.state).toBe("stopped");
    const stops = t.fake.callsTo("chat.stopStream").filter((c) => c.params.ts === narration!.ts);
    expect(stops.map((c) => c.answer.error ?? "ok")).toEqual(["internal_error", "ok"]);
    expect(answer!.stream === undefined || answer!.stream.state === "stopped").toBe(true);
    const stopped = t.fake.calls.findIndex((c) => c.method === "chat.stopStream" && c.params.ts === narration!.ts && c.answer.ok);
    const opened = t.fake.calls.findIndex((c) => (c.method === "chat.startStream" || c.method === "chat.postMessage") && c.answer.ts === answer!.ts);
    expect(opened).toBeGreaterThan(stopped);
  });

  it("continues the conversation from a thread reply, and processes a retried delivery once", async () => {
    const { h, t } = await start();
    const { root } = await askAndWait(t, "What is 2+2?");
    const requestsBefore = h.fakeOpenAI.requests.length;

    const body = eventCallback({ teamId: t.fake.identity.teamId, event: messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "And 3+3?", threadTs: root.ts }) });
    expect((await t.sender.sendEvent(body)).status).toBe(200);
    expect((await t.sender.sendEvent(body, { retryNum: 1, retryReason: "http_timeout" })).status).toBe(200);
    await t.bot.idle();

    const users = (await transcriptOf(h.gateway, ref(t, root.ts)))?.entries.filter((e) => e.kind === "message" && e.role === "user");
    expect(users?.map((e) => e.kind === "message" && e.text)).toEqual(["What is 2+2?", "And 3+3?"]);
    // One more turn: triage hands off, the tutor answers — two model calls, not four.
    expect(h.fakeOpenAI.requests.length - requestsBefore).toBe(2);
    expect(t.fake.messages({ threadTs: root.ts }).map((m) => m.username)).toEqual(["Triage", "Math Tutor", "Triage", "Math Tutor"]);
  });

  it("refuses bad and stale signatures with 401 and stores nothing", async () => {
    const { h, t } = await start();
    const body = eventCallback({ teamId: t.fake.identity.teamId, event: messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "hi" }) });
    expect((await t.sender.sendEvent(body, { signingSecret: "forged" })).status).toBe(401);
    expect((await t.sender.sendEvent(body, { timestampSeconds: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    await t.bot.idle();
    expect((await conversationsOf(h.gateway, { platform: "slack" }))).toEqual([]);
    expect(h.fakeOpenAI.requests).toEqual([]);
  });

  it("puts agents' names in bold when the app lacks chat:write.customize", async () => {
    const { t } = await start({ scopes: FULL_SCOPES.filter((s) => s !== "chat:write.customize") });
    const { replies } = await askAndWait(t, "What is 2+2?");
    // Streamed replies are Markdown (markdown_text), so the bold is **…**; whole posts are mrkdwn (*…*).
    expect(replies.map((m) => [m.username, m.text.split("\n")[0]])).toEqual([
      [undefined, "**Triage**"],
      [undefined, "**Math Tutor**"],
    ]);
    expect(t.logs.filter((l) => l.level === 40 && l.msg.includes("chat:write.customize"))).toHaveLength(1);
  });

  it("gives a moderator the transcript and refuses a student", async () => {
    const { t } = await start();
    const { root } = await askAndWait(t, "What is 2+2?");
    const link = `https://${t.fake.identity.teamDomain}.slack.com/archives/${CHANNEL}/p${root.ts.replace(".", "")}`;
    expect((await ask(t, link, "/homework-history", STUDENT.id)).status).toBe(200);
    expect((await ask(t, link, "/homework-history", MODERATOR.id)).status).toBe(200);
    await t.bot.idle();
    const [refusal, transcript] = t.fake.responses.map((r) => String(r.body.text));
    expect(refusal).toBe("Sorry, only moderators can use this command.");
    expect(transcript).toContain("Handoff trail: triage_agent → math_tutor");
    expect(transcript).toContain("*Ada Lovelace*");
    expect(transcript).toContain("What is 2+2?");
  });

  it("reads and forgets this workspace's data only: another workspace's thread of the same ids and student stays", async () => {
    const { h, t } = await start();
    const { root } = await askAndWait(t, "What is 2+2?");
    // What the bot stored for another workspace in the same SQLite file, under the same channel, ts and user id.
    const elsewhere = { ...ref(t, root.ts), workspace: "T0OTHERSCHOOL" };
    const stored = h.store.appendUserMessage(h.store.getOrCreateConversation(elsewhere).id, { userId: STUDENT.id, userName: "ada", text: "the other workspace's question" });
    h.store.completeTurn(stored.id, "completed");

    const link = `https://${t.fake.identity.teamDomain}.slack.com/archives/${CHANNEL}/p${root.ts.replace(".", "")}`;
    expect((await ask(t, link, "/homework-history", MODERATOR.id)).status).toBe(200);
    expect((await ask(t, "", "/homework-history", MODERATOR.id)).status).toBe(200);
    expect((await ask(t, `<@${STUDENT.id}>`, "/homework-forget", MODERATOR.id)).status).toBe(200);
    await t.bot.idle();
    const [transcript, listing, forgot] = t.fake.responses.map((r) => String(r.body.text));
    expect(transcript).toContain("What is 2+2?");
    expect(transcript).not.toContain("the other workspace's question");
    expect(listing?.match(/^• /gm)).toHaveLength(1);
    expect(forgot).toBe(`Deleted 1 stored message of <@${STUDENT.id}>.`);
    const kept = (await transcriptOf(h.gateway, elsewhere))?.entries ?? [];
    expect(kept.flatMap((e) => (e.kind === "message" ? [e.text] : []))).toEqual(["the other workspace's question"]);
  });

  it("delivers a long answer in valid pieces and escapes <!channel>", async () => {
    const { h, t } = await start();
    const code = Array.from({ length: 120 }, (_v, i) => `step_${i} = step_${i - 1} + ${i}`).join("\n");
    const answer = `<!channel> listen up.\n\n${"The sum grows by one each step. ".repeat(60)}\n\n\`\`\`python\n${code}\n\`\`\`\n\nDone.`;
    h.fakeOpenAI.enqueue(
      { text: "Math.", toolCalls: [{ name: "handoff_to_math_tutor", arguments: { reason: "math" } }] },
      { text: answer },
    );
    const { replies } = await askAndWait(t, "Sum 1..120 in python");
    const tutor = replies.filter((m) => m.username === "Math Tutor");
    expect(tutor.length).toBeGreaterThan(1);
    for (const piece of tutor) {
      expect(piece.text.length).toBeLessThanOrEqual(3_500);
      expect(piece.text.split("\n").filter((line) => line.startsWith("```")).length % 2).toBe(0);
    }
    const all = tutor.map((m) => m.text).join("\n");
    // Streamed as Markdown: a zero-width space after the `<` keeps the broadcast from being one.
    expect(all.startsWith("<\u200B!channel> listen up.")).toBe(true);
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("step_119 = step_118 + 119");
  });

  it("answers a DM at the top level, and a moderator's forget deletes the student's messages", async () => {
    const { h, t } = await start();
    const dm = eventCallback({ teamId: t.fake.identity.teamId, event: messageEvent({ channel: "D0ADA", user: STUDENT.id, text: "Who was Charlemagne?" }) });
    expect((await t.sender.sendEvent(dm)).status).toBe(200);
    await t.bot.idle();
    const replies = t.fake.messages({ channel: "D0ADA" });
    expect(replies.map((m) => [m.username, m.threadTs])).toEqual([
      ["Triage", undefined],
      ["History Tutor", undefined],
    ]);
    const dmRef = { platform: "slack", workspace: t.fake.identity.teamId, channel: "D0ADA", thread: "D0ADA" };
    expect((await transcriptOf(h.gateway, dmRef))?.entries.some((e) => e.kind === "message" && e.role === "user")).toBe(true);

    expect((await ask(t, `<@${STUDENT.id}|ada>`, "/homework-forget", MODERATOR.id)).status).toBe(200);
    await t.bot.idle();
    expect(String(t.fake.responses.at(-1)?.body.text)).toMatch(/^Deleted [1-9]\d* stored messages? of <@U0STUDENT>\.$/);
    expect((await transcriptOf(h.gateway, dmRef))?.entries.some((e) => e.kind === "message" && e.role === "user") ?? false).toBe(false);
  });
});
