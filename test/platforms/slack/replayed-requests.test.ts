// Signed requests Slack never sent as they arrive: a replayed /homework, and timestamps too far in the past or future.
import { afterEach, describe, expect, it } from "vitest";
import { eventCallback, messageEvent, slashCommandBody } from "../../support/fake-slack/index.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";
import { conversationsOf } from "../../support/moderator-reads.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

async function start(): Promise<{ h: ServiceHarness; t: SlackTestBot }> {
  h = await startServiceHarness();
  t = await startSlackTestBot({ gateway: h.gateway });
  return { h, t };
}

function homework(bot: SlackTestBot, text: string, triggerId: string): string {
  return slashCommandBody({
    command: "/homework",
    text,
    userId: STUDENT.id,
    userName: STUDENT.name,
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
    triggerId,
  });
}

describe("a replayed /homework", () => {
  it("is acknowledged and does nothing: one root message, one turn", async () => {
    const { h, t } = await start();
    const body = homework(t, "What is 2+2?", "13345224609.738474920.replayed");
    expect((await t.sender.sendCommand(body)).status).toBe(200);
    await t.bot.idle();
    const requestsAfterFirst = h.fakeOpenAI.requests.length;
    // The same signed body again (an attacker's replay within the five minutes), and once more at the same time.
    const replays = await Promise.all([t.sender.sendCommand(body), t.sender.sendCommand(body)]);
    expect(replays.map((r) => r.status)).toEqual([200, 200]);
    await t.bot.idle();

    const roots = t.fake.messages({ channel: CHANNEL }).filter((m) => m.threadTs === undefined);
    expect(roots.map((m) => m.text)).toEqual([`<@${STUDENT.id}> asked: What is 2+2?`]);
    expect(h.fakeOpenAI.requests.length).toBe(requestsAfterFirst);
    expect((await conversationsOf(h.gateway, { platform: "slack" }))).toHaveLength(1);
    expect(t.fake.responses).toEqual([]);
  });

  it("still lets a new /homework with its own trigger_id through", async () => {
    const { t } = await start();
    await t.sender.sendCommand(homework(t, "What is 2+2?", "1.1.first"));
    await t.sender.sendCommand(homework(t, "What is 3+3?", "1.1.second"));
    await t.bot.idle();
    expect(t.fake.messages({ channel: CHANNEL }).filter((m) => m.threadTs === undefined)).toHaveLength(2);
  });
});

describe("request timestamps", () => {
  it("refuses a request stamped more than five minutes ahead or behind with 401, and accepts one within", async () => {
    const { h, t } = await start();
    const now = Math.floor(Date.now() / 1000);
    const event = () => eventCallback({ teamId: t.fake.identity.teamId, event: messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "hi" }) });
    expect((await t.sender.sendEvent(event(), { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    expect((await t.sender.sendEvent(event(), { timestampSeconds: now + 5 * 60 + 30 })).status).toBe(401);
    expect((await t.sender.sendEvent(event(), { timestampSeconds: now - 5 * 60 - 30 })).status).toBe(401);
    expect((await t.sender.sendCommand(homework(t, "future?", "2.2.future"), { timestampSeconds: now + 10 * 60 })).status).toBe(401);
    await t.bot.idle();
    expect((await conversationsOf(h.gateway, { platform: "slack" }))).toEqual([]);
    expect(t.fake.messages()).toEqual([]);
    // A clock a little off either way is fine.
    expect((await t.sender.sendEvent(event(), { timestampSeconds: now + 60 })).status).toBe(200);
    expect((await t.sender.sendEvent(event(), { timestampSeconds: now - 60 })).status).toBe(200);
  });
});
