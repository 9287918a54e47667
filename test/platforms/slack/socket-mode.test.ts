// The adapter over Socket Mode (SLACK_APP_TOKEN): Bolt's real Socket Mode client against the fake Slack's WebSocket endpoint.
import { afterEach, describe, expect, it } from "vitest";
import { eventCallback, messageEvent, nextMessageTs, slashCommandBody } from "../../support/fake-slack/index.js";
import { FakeGateway } from "./fake-gateway.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function startSocketMode(gateway: FakeGateway): Promise<SlackTestBot> {
  const bot = await startSlackTestBot({ gateway, settings: { appToken: "xapp-fake-app-token", signingSecret: undefined } });
  await bot.fake.socketMode.waitForConnection();
  return bot;
}

describe("Socket Mode", () => {
  it("connects with the app token and listens on no port", async () => {
    t = await startSocketMode(new FakeGateway());
    expect(t.bot.port).toBeUndefined();
    const open = t.fake.callsTo("apps.connections.open");
    expect(open).toHaveLength(1);
    expect(open[0]?.token).toBe("xapp-fake-app-token");
    expect(t.logs.find((l) => l.msg === "slack adapter started")?.mode).toBe("socket");
  });

  it("acks a slash command at once and runs the conversation in the root's thread", async () => {
    const gateway = new FakeGateway();
    let release!: () => void;
    gateway.stall = new Promise<void>((resolve) => (release = resolve));
    t = await startSocketMode(gateway);
    const form = slashCommandBody({
      command: "/homework",
      text: "When did Rome fall?",
      userId: STUDENT.id,
      channelId: CHANNEL,
      teamId: t.fake.identity.teamId,
      teamDomain: t.fake.identity.teamDomain,
      responseUrl: t.fake.responseUrl(),
      triggerId: "1.2.socket",
    });
    const ack = await t.fake.socketMode.send({ type: "slash_commands", payload: Object.fromEntries(new URLSearchParams(form)) });
    expect(ack.payload ?? {}).toEqual({});

    await gateway.waitForHandled(1);
    const [root] = t.fake.messages({ channel: CHANNEL });
    expect(gateway.handled[0]).toMatchObject({ eventId: "command:1.2.socket", thread: root?.ts, text: "When did Rome fall?" });
    release();
    await t.bot.idle();
    expect(t.fake.messages({ threadTs: root?.ts }).map((m) => m.username)).toEqual(["Triage"]);
  });

  it("acks a redelivered event (retry_attempt) and passes the same event id, so it is handled once", async () => {
    const gateway = new FakeGateway();
    t = await startSocketMode(gateway);
    const root = nextMessageTs();
    gateway.openConversation({ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root });
    const payload = eventCallback({
      teamId: t.fake.identity.teamId,
      eventId: "Ev0SOCKET",
      event: messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "next step?", threadTs: root }),
    });
    await t.fake.socketMode.send({ type: "events_api", payload });
    await t.fake.socketMode.send({ type: "events_api", payload, retryAttempt: 1, retryReason: "timeout" });
    await t.bot.idle();
    expect(t.fake.socketMode.acks).toHaveLength(2);
    expect(gateway.handled.map((m) => m.eventId)).toEqual(["Ev0SOCKET"]);
    expect(t.fake.messages({ threadTs: root })).toHaveLength(1);
  });
});
