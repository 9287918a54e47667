// The deferred-ack Socket Mode receiver under a real Bolt App: the envelope's ack goes when the listeners are done
// (so a stored event is acked after its store), carries the listener's response, survives a failing listener, and
// goes at the cap when a listener is still running.

import { App } from "@slack/bolt";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { boltLevelFor, createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { DeferredAckSocketModeReceiver } from "../../../src/platforms/slack/socket-mode-receiver.js";
import { appMentionEvent, eventCallback, FakeSlack, slashCommandBody } from "../../support/fake-slack/index.js";
import { CHANNEL, STUDENT } from "./slack-test-bot.js";

let fake: FakeSlack | undefined;
let app: App | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.close();
  app = undefined;
});

async function startApp(register: (app: App) => void, ackCapMs?: number): Promise<{ app: App; fake: FakeSlack }> {
  fake = await FakeSlack.start({ users: [STUDENT] });
  const logger = pino({ level: "silent" });
  const boltLogger = createBoltLogger(logger);
  const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: boltLogger };
  const receiver = new DeferredAckSocketModeReceiver({
    appToken: fake.identity.appToken,
    boltLogger,
    logLevel: boltLevelFor(logger),
    clientOptions,
    ...(ackCapMs === undefined ? {} : { ackCapMs }),
  });
  app = new App({ token: fake.identity.botToken, receiver, logger: boltLogger, logLevel: boltLevelFor(logger), clientOptions });
  register(app);
  app.error(async () => {});
  await app.start();
  await fake.socketMode.waitForConnection();
  return { app, fake };
}

function mention(f: FakeSlack): Record<string, unknown> {
  const text = `<@${f.identity.botUserId}> hello`;
  const { ts } = f.userWrites({ channel: CHANNEL, user: STUDENT.id, text });
  return eventCallback({ teamId: f.identity.teamId, event: appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text, ts }) });
}

function command(f: FakeSlack, triggerId: string): Record<string, string> {
  const form = slashCommandBody({
    command: "/homework",
    text: "a question",
    userId: STUDENT.id,
    channelId: CHANNEL,
    teamId: f.identity.teamId,
    teamDomain: f.identity.teamDomain,
    responseUrl: f.responseUrl(),
    triggerId,
  });
  return Object.fromEntries(new URLSearchParams(form));
}

describe("DeferredAckSocketModeReceiver", () => {
  it("sends an Events API envelope's ack only once the listener has returned", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let listenerStarted!: () => void;
    const started = new Promise<void>((resolve) => (listenerStarted = resolve));
    const order: string[] = [];
    let calls = 0;
    const { fake: f } = await startApp((a) =>
      a.event("app_mention", async () => {
        calls += 1;
        if (calls > 1) return;
        listenerStarted();
        await gate;
        order.push("stored");
      }),
    );
    const acked = f.socketMode.send({ type: "events_api", payload: mention(f) }).then(() => order.push("acked"));
    await started;
    // Bolt has called ack() before the listener ran; the receiver has only recorded it. A second envelope's ack,
    // on the same connection, arrives after anything the client wrote before it.
    const second = await f.socketMode.send({ type: "events_api", payload: mention(f) });
    expect(f.socketMode.acks.map((a) => a.envelope_id)).toEqual([second.envelope_id]);
    release();
    await acked;
    expect(order).toEqual(["stored", "acked"]);
  });

  it("sends a slash command's ack with the listener's response, also when the listener fails after acking", async () => {
    const { fake: f } = await startApp((a) =>
      a.command("/homework", async ({ ack, command: c }) => {
        await ack({ text: `got ${c.trigger_id}` });
        if (c.trigger_id === "1.fail") throw new Error("listener failed after its ack");
      }),
    );
    expect((await f.socketMode.send({ type: "slash_commands", payload: command(f, "1.ok") })).payload).toEqual({ text: "got 1.ok" });
    expect((await f.socketMode.send({ type: "slash_commands", payload: command(f, "1.fail") })).payload).toEqual({ text: "got 1.fail" });
  });

  it("sends the ack at the cap while the listener is still running", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let finished = false;
    const { fake: f } = await startApp(
      (a) =>
        a.event("app_mention", async () => {
          await gate;
          finished = true;
        }),
      20,
    );
    await f.socketMode.send({ type: "events_api", payload: mention(f) });
    expect(finished).toBe(false);
    release();
  });
});
