// A received event stored by the version before the inbound envelope (Slack's own payload format) is still finished
// after an upgrade: answered once, under the root it had already posted, nothing posted twice.

import { afterEach, describe, expect, it } from "vitest";
import { reviveOlderSlackEvent } from "../../../src/platforms/slack/older-received.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let harness: ServiceHarness | undefined;
let slack: SlackTestBot | undefined;
afterEach(async () => {
  await slack?.close();
  await harness?.close();
  slack = undefined;
  harness = undefined;
});

/** A row as the earlier version's receive() wrote it: the event id claimed, the adapter's payload kept. */
function storeOlderRow(h: ServiceHarness, eventId: string, payload: object): void {
  h.db.prepare("INSERT INTO inbound_events (platform, event_id, received_at) VALUES ('slack', ?, ?)").run(eventId, Date.now());
  h.db
    .prepare("INSERT INTO received_events (platform, event_id, workspace, user_id, payload, received_at) VALUES ('slack', ?, ?, ?, ?, ?)")
    .run(eventId, (payload as { teamId: string }).teamId, STUDENT.id, JSON.stringify(payload), Date.now());
}

describe("a received Slack event stored by the earlier version", () => {
  it("is answered at the next start under the root the command had already posted", async () => {
    harness = await startServiceHarness();
    slack = await startSlackTestBot({ gateway: harness.gateway });
    const teamId = slack.fake.identity.teamId;
    const rootTs = "1796230000.000100";
    storeOlderRow(harness, "command:trigger-1", { kind: "command", teamId, channelId: CHANNEL, userId: STUDENT.id, userName: STUDENT.name, question: "What is the derivative of x^2?", rootTs });

    expect(await harness.service.recover()).toMatchObject({ queued: 1 });
    await slack.bot.idle();
    const posted = slack.fake.messages();
    expect(posted.filter((m) => m.threadTs === undefined)).toEqual([]); // no second root
    expect(posted.map((m) => m.text)).toEqual([
      "This is a math question. I'll hand this off to the math tutor.",
      'math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    expect(posted.every((m) => m.threadTs === rootTs)).toBe(true);
    expect(harness.db.prepare("SELECT count(*) FROM received_events").pluck().get()).toBe(0);
  });

  it("reads each earlier format as the envelope's stored form, and refuses what it does not know", () => {
    const message = { kind: "message", what: "thread reply", teamId: "T1", channel: "C1", thread: "111.1", userId: "U1", text: "and 3+3?", ts: "111.2" };
    expect(reviveOlderSlackEvent({ eventId: "Ev1", payload: message })).toEqual({
      inbound: {
        platform: "slack",
        workspace: "T1",
        eventId: "Ev1",
        user: { id: "U1", name: "" },
        text: "and 3+3?",
        platformMessageId: "111.2",
        thread: { platform: "slack", workspace: "T1", channel: "C1", thread: "111.1" },
        onlyInConversation: true,
        detail: { kind: "message", what: "thread reply" },
      },
    });
    const command = { kind: "command", teamId: "T1", channelId: "C1", userId: "U1", userName: "ada", question: "Who was Napoleon?" };
    expect(reviveOlderSlackEvent({ eventId: "command:t", payload: command })).toEqual({
      inbound: { platform: "slack", workspace: "T1", eventId: "command:t", user: { id: "U1", name: "ada" }, text: "Who was Napoleon?", detail: { kind: "command", channelId: "C1" } },
    });
    expect(reviveOlderSlackEvent({ eventId: "x", payload: { kind: "reaction" } })).toBeUndefined();
  });
});
