// A process killed the moment Slack has its 200 for an event: the event was stored first, so the next start answers it.

import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack, SlackEventSender } from "../../support/fake-slack/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { CHANNEL, SIGNING_SECRET, STUDENT } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;

const scope = crashTestScope();

async function sender(started: LineChild): Promise<SlackEventSender> {
  const port = (await waitForLine(started.lines, "listening")).split(" ")[1];
  return new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
}

describe("Slack: killed right after acknowledging an event", () => {
  it("has stored the event before the 200 left, and answers it at the next start", async () => {
    const fakeModel = scope.own(await startFakeOpenAI());
    fakeModel.setResponder(seedResponder);
    const fakeSlack = scope.own(await FakeSlack.start({ users: [STUDENT] }));
    const dir = scope.tempDir("baton-slack-ack-");
    const env = slackChildEnv(dir, fakeModel, fakeSlack, { SLACK_SIGNING_SECRET: SIGNING_SECRET });
    const text = `<@${fakeSlack.identity.botUserId}> Who was Napoleon?`;
    const { ts } = fakeSlack.userWrites({ channel: CHANNEL, user: STUDENT.id, text });
    const body = eventCallback({ teamId: fakeSlack.identity.teamId, event: appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text, ts }) });

    let child = scope.start(CHILD, { ...env, KILL_AFTER_ACK: "1" });
    const ack = await (await sender(child)).sendEvent(body);
    expect(ack.status).toBe(200); // Slack has its answer and will never deliver this event again
    expect(await child.exited).toBe(null); // killed by SIGKILL

    child = scope.start(CHILD, env);
    await sender(child);
    expect(await waitForLine(child.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":1}');
    const answers = await fakeSlack.waitForMessages(2, (m) => m.threadTs === ts && m.botId !== undefined);
    expect(answers.map((m) => m.username)).toEqual(["Triage", "History Tutor"]);
    child.child.stdin?.end();
    expect(await child.exited).toBe(0);
  });
});
