// Classroom safety on Slack end to end: Bolt's real HTTP receiver and Web API client against the fake Slack, the real
// service with the fake OpenAI server's /v1/moderations scripted — blocked messages, the alert and its permalink,
// withheld answers updated away, an alert channel the bot is not in, an outage let through, and the daily cap.

import { afterEach, describe, expect, it } from "vitest";
import { USAGE_CAP_NOTICE } from "../../../src/bot/usage-meter.js";
import { DEFAULT_HELP_RESOURCES } from "../../../src/config/safety-policy.js";
import { eventCallback, slashCommandBody, type FakeSlackMessage } from "../../support/fake-slack/index.js";
import type { FakeResponder } from "../../support/fake-openai-server.js";
import { startServiceHarness, type ServiceHarness, type ServiceHarnessOptions } from "../../support/service-harness.js";
import { captureLogger, CHANNEL, MODERATOR, STUDENT, startSlackTestBot, type LogLine, type SlackTestBot } from "./slack-test-bot.js";
import { transcriptOf } from "../../support/moderator-reads.js";

const ALERTS = "C0MODERATORS";
const WITHHELD = "This answer was withheld by Baton's safety check. A teacher can review it.";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

async function start(options: { safety?: ServiceHarnessOptions["safety"]; responder?: FakeResponder } = {}) {
  const serviceLogs: LogLine[] = [];
  h = await startServiceHarness({
    safety: options.safety ?? { moderation: true },
    logger: captureLogger(serviceLogs),
    ...(options.responder === undefined ? {} : { responder: options.responder }),
  });
  t = await startSlackTestBot({ gateway: h.gateway, settings: { alertChannel: ALERTS } });
  return { h, t, serviceLogs };
}

/** Asks through /homework and waits for the whole turn (alerts included); returns the root and the thread's replies. */
async function ask(bot: SlackTestBot, service: ServiceHarness, text: string): Promise<{ root: FakeSlackMessage; replies: () => FakeSlackMessage[] }> {
  const { identity } = bot.fake;
  const body = slashCommandBody({ command: "/homework", text, userId: STUDENT.id, userName: STUDENT.name, channelId: CHANNEL, teamId: identity.teamId, teamDomain: identity.teamDomain, responseUrl: bot.fake.responseUrl() });
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
  await bot.bot.idle();
  await service.service.classroomSafety()!.settled();
  const root = bot.fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined);
  if (root === undefined) throw new Error("no root message was posted");
  return { root, replies: () => bot.fake.messages({ channel: CHANNEL, threadTs: root.ts }) };
}

/** The student writes in the thread; resolves once it was handled and its alerts settled. */
async function follow(bot: SlackTestBot, service: ServiceHarness, threadTs: string, text: string): Promise<string> {
  const { ts, event } = bot.fake.userWrites({ channel: CHANNEL, user: STUDENT.id, text, threadTs });
  expect((await bot.sender.sendEvent(eventCallback({ teamId: bot.fake.identity.teamId, event }))).status).toBe(200);
  await bot.bot.idle();
  await service.service.classroomSafety()!.settled();
  return ts;
}

const alertsIn = (bot: SlackTestBot) => bot.fake.messages({ channel: ALERTS });
const permalinkOf = (bot: SlackTestBot, ts: string, threadTs?: string) =>
  `https://${bot.fake.identity.teamDomain}.slack.com/archives/${CHANNEL}/p${ts.replace(".", "")}${threadTs === undefined ? "" : `?thread_ts=${threadTs}&cid=${CHANNEL}`}`;

describe("Slack: a student writes about self-harm", () => {
  it("never reaches an agent, gets the caring reply, and raises one urgent alert with the message's permalink", async () => {
    const { h, t } = await start();
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    // Slack sends what the student typed as `<!channel>` escaped, and a real broadcast as <!channel>: both reach the service.
    const { root, replies } = await ask(t, h, "I want to die &lt;!channel&gt; &amp; <!channel>");
    expect(h.fakeOpenAI.requests).toHaveLength(0);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.text).toContain("988");
    expect(DEFAULT_HELP_RESOURCES).toContain("988");

    const alerts = alertsIn(t);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    const link = permalinkOf(t, root.ts);
    expect(t.fake.callsTo("chat.getPermalink")[0]!.answer).toMatchObject({ ok: true, permalink: link });
    expect(alert!.text).toContain(`<${link}|Open the message>`);
    expect(alert!.text).toContain(`${STUDENT.displayName} (${STUDENT.id})`);
    const everything = JSON.stringify({ text: alert!.text, blocks: alert!.blocks });
    // Nothing the student wrote can ping: no <!channel>, no <@…> anywhere in the alert.
    expect(everything).not.toMatch(/<!|<@/);
    expect(everything).toContain("I want to die &lt;!channel&gt; &amp; @\u200Bchannel");
    expect(everything).toContain("Urgent: self-harm/intent");
    const flags = await h.service.classroomSafety()!.listFlags({ platform: "slack", workspace: t.fake.identity.teamId });
    expect(flags).toMatchObject([{ action: "block", severity: "urgent", platformMessageId: root.ts, alert: "sent" }]);
  });

  it("a follow-up in the thread links to the follow-up itself (thread_ts permalink)", async () => {
    const { h, t } = await start({ responder: () => ({ text: "Let's look at it together." }) });
    h.fakeOpenAI.moderations.script("hurt myself", { "self-harm/intent": 0.9 });
    const { root } = await ask(t, h, "What is 2+2?");
    const ts = await follow(t, h, root.ts, "I hurt myself");
    expect(alertsIn(t)).toHaveLength(1);
    expect(alertsIn(t)[0]!.text).toContain(`<${permalinkOf(t, ts, root.ts)}|Open the message>`);
  });
});

describe("Slack: a flagged answer", () => {
  it("is replaced with chat.update on its ts and kept in the transcript", async () => {
    const { h, t } = await start();
    h.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    const { root, replies } = await ask(t, h, "Tell me about Hastings?");
    const answer = replies()[1]!;
    expect(answer.text).toBe(WITHHELD);
    expect(answer.edits).toEqual(['history_tutor on "Tell me about Hastings?": here is the answer.']);
    expect(t.fake.callsTo("chat.update").map((c) => [c.params.ts, c.answer.ok])).toEqual([[answer.ts, true]]);
    const transcript = (await transcriptOf(h.gateway, { platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root.ts }))!;
    expect(transcript.entries.some((e) => e.kind === "message" && e.text.endsWith("here is the answer."))).toBe(true);
    expect(alertsIn(t)[0]!.text).toContain(`<${permalinkOf(t, answer.ts, root.ts)}|Open the message>`);
  });

  it("split in parts: every part is updated (the first carries the notice)", async () => {
    const long = `${"The battle raged on and on. ".repeat(150)}Then came the gore.`;
    const { h, t } = await start({ responder: () => ({ text: long }) });
    h.fakeOpenAI.moderations.script("came the gore", { "violence/graphic": 0.9 });
    const { replies } = await ask(t, h, "Tell me about a battle");
    expect(replies().length).toBeGreaterThan(1);
    expect(replies().map((m) => m.text)).toEqual([WITHHELD, ...replies().slice(1).map(() => "_(withheld)_")]);
  });
});

describe("Slack: the alert channel", () => {
  it("the bot is not in it: logged once, not retried (not_in_channel is final), the student's turn unaffected", async () => {
    const { h, t, serviceLogs } = await start();
    t.fake.world.channels.set(ALERTS, { exists: true, member: false });
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    const { replies } = await ask(t, h, "I want to die");
    expect(replies()).toHaveLength(1);
    const posts = t.fake.callsTo("chat.postMessage").filter((c) => c.params.channel === ALERTS);
    expect(posts.map((c) => c.answer.error)).toEqual(["not_in_channel"]);
    expect(serviceLogs.filter((l) => l.msg.startsWith("could not post a safety alert"))).toHaveLength(1);
    const flags = await h.service.classroomSafety()!.listFlags({ platform: "slack", workspace: t.fake.identity.teamId });
    expect(flags[0]!.alert).toBe("failed");
  });
});

describe("Slack: moderation outage and caps", () => {
  it("an outage (500, then 429) lets the turn through, marks the message unchecked, and warns once", async () => {
    const { h, t, serviceLogs } = await start();
    h.fakeOpenAI.moderations.failWith({ status: 500 });
    const { root, replies } = await ask(t, h, "What is 2+2?");
    h.fakeOpenAI.moderations.failWith({ status: 429, retryAfterSeconds: 0 });
    await follow(t, h, root.ts, "And 3+3?");
    expect(h.fakeOpenAI.requests.length).toBeGreaterThan(0);
    expect(replies().filter((m) => m.user === t.fake.identity.botUserId)).toHaveLength(4);
    const conversation = h.store.findConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root.ts })!;
    expect((await h.service.classroomSafety()!.flagsOf(conversation.id)).map((f) => f.action)).toEqual(["unchecked", "unchecked"]);
    expect(serviceLogs.filter((l) => l.msg.startsWith("moderation is failing"))).toHaveLength(1);
  });

  it("over the student's daily cap: the polite notice, and no chat completion request", async () => {
    const { h, t } = await start({ safety: { moderation: true, caps: { dailyTokensPerUser: 1 } } });
    const { root, replies } = await ask(t, h, "What is 2+2?");
    const calls = h.fakeOpenAI.requests.length;
    await follow(t, h, root.ts, "And 3+3?");
    expect(h.fakeOpenAI.requests.length).toBe(calls);
    expect(replies().at(-1)!.text).toBe(USAGE_CAP_NOTICE);
  });
});

describe("Slack: without an alert channel", () => {
  it("warns at start, naming SLACK_ALERT_CHANNEL; with one, it does not", async () => {
    const { t } = await start();
    expect(t.logs.filter((l) => l.msg.includes("SLACK_ALERT_CHANNEL"))).toEqual([]);
    const other = await startSlackTestBot({ gateway: h!.gateway, fake: t.fake });
    expect(other.logs.filter((l) => l.level === 40 && l.msg.includes("SLACK_ALERT_CHANNEL"))).toHaveLength(1);
    await other.bot.stop();
  });
});

describe("Slack: /homework-history shows the flags", () => {
  it("a moderator's transcript marks the blocked message and the withheld answer", async () => {
    const { h, t } = await start();
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    h.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    const { root } = await ask(t, h, "Tell me about Hastings?");
    await follow(t, h, root.ts, "I want to die");
    const { identity } = t.fake;
    const before = t.fake.responses.length;
    const link = `<https://${identity.teamDomain}.slack.com/archives/${CHANNEL}/p${root.ts.replace(".", "")}>`;
    const body = slashCommandBody({ command: "/homework-history", text: link, userId: MODERATOR.id, channelId: CHANNEL, teamId: identity.teamId, teamDomain: identity.teamDomain, responseUrl: t.fake.responseUrl() });
    expect((await t.sender.sendCommand(body)).status).toBe(200);
    await t.bot.idle();
    const text = t.fake.responses.slice(before).map((r) => String(r.body.text)).join("\n");
    expect(text).toMatch(/here is the answer\.\n_⚑ alert · withheld: the student saw a notice instead · violence\/graphic 0\.80 · flag #\d+_/);
    expect(text).toMatch(/> I want to die\n_⚑ urgent · blocked: no agent saw it · self-harm\/intent 0\.96 · flag #\d+_/);
  });
});
