// Another process holding SQLite's write lock: messages wait (in order) and are answered, Slack is acked, nothing stops.

import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { SAVING_SLOWLY_NOTICE } from "../../src/bot/received-intake.js";
import { eventCallback, messageEvent } from "../support/fake-slack/index.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { captureLogger, STUDENT, startSlackTestBot, type LogLine, type SlackTestBot } from "../platforms/slack/slack-test-bot.js";
import { envelopeOf } from "../support/envelope-of.js";

const LOCKED = "database is locked by another process: writes are held in memory and retried until it is free";

let harness: ServiceHarness | undefined;
let slack: SlackTestBot | undefined;
let holder: BetterSqlite3.Database | undefined;
afterEach(async () => {
  if (holder?.inTransaction) holder.exec("COMMIT");
  holder?.close();
  await slack?.close();
  await harness?.close();
  holder = undefined;
  slack = undefined;
  harness = undefined;
});

/** A second connection to the same file takes the write lock (BEGIN IMMEDIATE) and keeps it until released. */
function lockDatabase(path: string): { release: () => void } {
  holder = new BetterSqlite3(path);
  holder.exec("BEGIN IMMEDIATE");
  return { release: () => holder!.exec("COMMIT") };
}

function untilLogged(logs: LogLine[], msg: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (logs.some((l) => l.msg === msg) ? resolve() : void setTimeout(check, 10));
    check();
  });
}

let counter = 0;
function inbound(text: string, thread: string): InboundMessage {
  return { platform: "test", workspace: "w", channel: "c", thread, eventId: `busy-${++counter}`, user: { id: "u1", name: "Ada" }, text };
}

describe("a database locked by another process", () => {
  it("delays messages instead of failing them: all answered, in order, with one log line for the outage", async () => {
    const logs: LogLine[] = [];
    harness = await startServiceHarness({ logger: captureLogger(logs) });
    const port = new RecordingPort();
    harness.service.registerPort(port);
    const lock = lockDatabase(harness.databasePath);

    const outcomes = Promise.all([
      harness.service.accept(envelopeOf(inbound("What is the derivative of x^2?", "t1"))),
      harness.service.accept(envelopeOf(inbound("Who was Napoleon?", "t2"))),
      harness.service.accept(envelopeOf(inbound("And the integral of 2x?", "t1"))),
    ]);
    await untilLogged(logs, LOCKED);
    expect(port.delivered).toEqual([]); // nothing could be stored yet, so nothing was answered
    lock.release();

    expect((await outcomes).map((o) => o.status)).toEqual(["completed", "completed", "completed"]);
    const t1 = harness.store.transcript(harness.store.findConversation({ platform: "test", workspace: "w", channel: "c", thread: "t1" })!.id)!;
    expect(t1.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["What is the derivative of x^2?", "And the integral of 2x?"]);
    expect(port.delivered).toHaveLength(6);
    expect(logs.filter((l) => l.msg === LOCKED)).toHaveLength(1);
    expect(harness.store.pendingReplies()).toEqual([]);
  });

  it("on Slack: acks the event while the lock is held, tells the student when it lasts, answers once it is free", async () => {
    const logs: LogLine[] = [];
    harness = await startServiceHarness({ logger: captureLogger(logs), slowSaveNoticeMs: 100 });
    slack = await startSlackTestBot({ gateway: harness.gateway });
    const lock = lockDatabase(harness.databasePath);

    const dm = messageEvent({ channel: "D0STUDENT", user: STUDENT.id, text: "What is the derivative of x^2?" });
    const ack = await slack.sender.sendEvent(eventCallback({ teamId: slack.fake.identity.teamId, event: dm }));
    expect(ack.status).toBe(200); // acked while the lock is still held
    const [notice] = await slack.fake.waitForMessages(1);
    expect(notice!.text).toBe(SAVING_SLOWLY_NOTICE);
    lock.release();

    await slack.fake.waitForMessages(3);
    // Replies stream: their final text is there once the turn is over.
    await slack.bot.idle();
    expect(slack.fake.messages().map((m) => m.text)).toEqual([
      SAVING_SLOWLY_NOTICE,
      "This is a math question. I'll hand this off to the math tutor.",
      'math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    expect(logs.filter((l) => l.msg === LOCKED)).toHaveLength(1);
  });
});
