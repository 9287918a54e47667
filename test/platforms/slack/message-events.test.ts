// Events API deliveries: which messages become conversation turns, thread keys, DMs, mentions, retries and signatures.
import { afterEach, describe, expect, it } from "vitest";
import { appMentionEvent, eventCallback, messageEvent, nextMessageTs } from "../../support/fake-slack/index.js";
import { FakeGateway } from "./fake-gateway.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function send(bot: SlackTestBot, event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}) {
  const body = eventCallback({ teamId: bot.fake.identity.teamId, event, ...(options.eventId ? { eventId: options.eventId } : {}) });
  const response = await bot.sender.sendEvent(body, options.retryNum === undefined ? {} : { retryNum: options.retryNum });
  expect(response.status).toBe(200);
  return body;
}

describe("message events", () => {
  it("continues a conversation from a reply in its thread, without a mention", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });

    const body = await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "and the integral?", threadTs: root }));
    await t.bot.idle();
    expect(gateway.handled).toHaveLength(1);
    expect(gateway.handled[0]).toMatchObject({ thread: root, text: "and the integral?", eventId: body.event_id, user: { id: STUDENT.id, name: STUDENT.displayName } });
    const [reply] = t.fake.messages({ threadTs: root });
    expect(reply).toMatchObject({ channel: CHANNEL, username: "Triage", text: "Hello!" });
  });

  it("ignores top-level chatter, threads the bot did not start, bots, edits and deletions", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });

    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "hello channel" }));
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "other thread", threadTs: nextMessageTs() }));
    await send(t, messageEvent({ channel: CHANNEL, botId: "B0OTHER", user: "U0OTHERBOT", text: "beep", threadTs: root }));
    await send(t, messageEvent({ channel: CHANNEL, user: t.fake.identity.botUserId, text: "my own reply", threadTs: root }));
    await send(t, messageEvent({ channel: CHANNEL, subtype: "message_changed", text: "", threadTs: root }));
    await send(t, messageEvent({ channel: CHANNEL, subtype: "message_deleted", text: "", threadTs: root }));
    await send(t, messageEvent({ channel: CHANNEL, subtype: "channel_join", user: STUDENT.id, text: "joined", threadTs: root }));
    await t.bot.idle();
    expect(gateway.handled).toEqual([]);

    // A reply that is also sent to the channel is still the student writing.
    await send(t, messageEvent({ channel: CHANNEL, subtype: "thread_broadcast", user: STUDENT.id, text: "also to channel", threadTs: root }));
    await t.bot.idle();
    expect(gateway.handled.map((m) => m.text)).toEqual(["also to channel"]);
  });

  it("treats a DM as one conversation keyed by its channel and answers at the top level", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    await send(t, messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "When did Rome fall?" }));
    await t.bot.idle();
    expect(gateway.opened).toEqual([{ platform: "slack", workspace: t.fake.identity.teamId, channel: "D0STUDENT", thread: "D0STUDENT" }]);
    expect(gateway.handled[0]).toMatchObject({ channel: "D0STUDENT", thread: "D0STUDENT", text: "When did Rome fall?" });
    const [reply] = t.fake.messages({ channel: "D0STUDENT" });
    expect(reply?.threadTs).toBeUndefined();
    // The DM conversation has no thread, so no thread status was set.
    expect(t.fake.world.statuses).toEqual([]);

    const threaded = nextMessageTs();
    await send(t, messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "in a thread", threadTs: threaded }));
    await t.bot.idle();
    expect(gateway.handled[1]).toMatchObject({ channel: "D0STUDENT", thread: threaded });
    expect(t.fake.messages({ channel: "D0STUDENT", threadTs: threaded })).toHaveLength(1);
  });
});

describe("app_mention events", () => {
  it("starts a conversation in the thread of a top-level mention, without the mention in the text", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const bot = t.fake.identity.botUserId;
    const mention = appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${bot}> what is 2 &lt; 3?` });
    await send(t, mention);
    // Slack also delivers the same message as a message event; it must not start a second turn.
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${bot}> what is 2 &lt; 3?`, ts: String(mention.ts) }));
    await t.bot.idle();
    expect(gateway.opened).toEqual([{ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: mention.ts }]);
    expect(gateway.handled.map((m) => [m.thread, m.text])).toEqual([[mention.ts, "what is 2 < 3?"]]);
    expect(t.fake.messages({ threadTs: String(mention.ts) })).toHaveLength(1);
  });

  it("handles a mention inside a bot thread once, through app_mention only", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const bot = t.fake.identity.botUserId;
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    const ts = nextMessageTs();
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${bot}> one more`, threadTs: root, ts }));
    await send(t, appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${bot}> one more`, threadTs: root, ts }));
    await t.bot.idle();
    expect(gateway.handled.map((m) => [m.thread, m.text])).toEqual([[root, "one more"]]);
  });

  it("answers a bare mention with an ephemeral hint and starts nothing", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    await send(t, appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${t.fake.identity.botUserId}>` }));
    await t.bot.idle();
    expect(gateway.opened).toEqual([]);
    expect(t.fake.world.ephemerals).toHaveLength(1);
    expect(t.fake.world.ephemerals[0]).toMatchObject({ channel: CHANNEL, user: STUDENT.id });
  });
});

describe("deliveries", () => {
  it("acknowledges a retried delivery and hands it to the service with the same event id", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    const event = messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "once", threadTs: root });
    await send(t, event, { eventId: "Ev0RETRY" });
    await send(t, event, { eventId: "Ev0RETRY", retryNum: 1 });
    await t.bot.idle();
    // The fake gateway drops the repeat by event id, as the service does.
    expect(gateway.handled.map((m) => m.eventId)).toEqual(["Ev0RETRY"]);
    expect(t.fake.messages({ threadTs: root })).toHaveLength(1);
  });

  it("refuses forged and stale requests with 401 before anything runs", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const body = eventCallback({ teamId: t.fake.identity.teamId, event: messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "hi" }) });
    expect((await t.sender.sendEvent(body, { signingSecret: "not-the-secret" })).status).toBe(401);
    expect((await t.sender.sendEvent(body, { timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await t.bot.idle();
    expect(gateway.handled).toEqual([]);
    expect(t.fake.messages()).toEqual([]);
  });

  it("shows a thread status while agents work and clears it afterwards", async () => {
    const gateway = new FakeGateway();
    gateway.script = () => [
      { agent: "triage_agent", text: "Handing off." },
      { agent: "math_tutor", text: "Answer." },
    ];
    t = await startSlackTestBot({ gateway });
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "q", threadTs: root }));
    await t.bot.idle();
    const statuses = t.fake.world.statuses.filter((s) => s.threadTs === root).map((s) => s.status);
    expect(statuses[0]).toBe("is thinking…");
    expect(statuses.at(-1)).toBe("");
    expect(statuses.filter((s) => s === "")).toHaveLength(1);
  });

  it("carries on quietly when the thread status is refused, and stops asking after a permanent refusal", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    t.fake.failNext("assistant.threads.setStatus", "missing_scope", { extra: { needed: "assistant:write" } });
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "q1", threadTs: root }));
    await send(t, messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "q2", threadTs: root }));
    await t.bot.idle();
    expect(t.fake.messages({ threadTs: root })).toHaveLength(2);
    expect(t.fake.callsTo("assistant.threads.setStatus")).toHaveLength(1);
    const complaints = t.logs.filter((line) => line.msg.includes("thread status"));
    expect(complaints.map((line) => line.level)).toEqual([20]);
  });
});
