// Socket Mode: a process killed the moment its ack of an envelope is written; the event was stored before the ack left,
// so the next start answers it, once.

import { describe, expect, it } from "vitest";
import { waitForLine } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack } from "../../support/fake-slack/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { CHANNEL, STUDENT } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;

const scope = crashTestScope();

describe("Slack Socket Mode: killed right after acknowledging an envelope", () => {
  it("has stored the event before the ack left, and answers it exactly once at the next start", async () => {
    const fakeModel = scope.own(await startFakeOpenAI());
    fakeModel.setResponder(seedResponder);
    const fakeSlack = scope.own(await FakeSlack.start({ users: [STUDENT] }));
    const dir = scope.tempDir("baton-slack-socket-ack-");
    const env = slackChildEnv(dir, fakeModel, fakeSlack, { SLACK_APP_TOKEN: "xapp-fake-app-token" });
    const text = `<@${fakeSlack.identity.botUserId}> Who was Napoleon?`;
    const { ts } = fakeSlack.userWrites({ channel: CHANNEL, user: STUDENT.id, text });
    const payload = eventCallback({ teamId: fakeSlack.identity.teamId, event: appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text, ts }) });

    let child = scope.start(CHILD, { ...env, KILL_AFTER_ACK: "1" });
    await waitForLine(child.lines, "listening");
    await fakeSlack.socketMode.waitForConnection();
    const ack = await fakeSlack.socketMode.send({ type: "events_api", payload });
    expect(ack.envelope_id).toBeTruthy(); // Slack has its ack and will never deliver this envelope again
    expect(await child.exited).toBe(null); // killed by SIGKILL

    child = scope.start(CHILD, env);
    await waitForLine(child.lines, "listening");
    expect(await waitForLine(child.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":1}');
    const answers = await fakeSlack.waitForMessages(2, (m) => m.threadTs === ts && m.botId !== undefined);
    expect(answers.map((m) => m.username)).toEqual(["Triage", "History Tutor"]);
    child.child.stdin?.end();
    expect(await child.exited).toBe(0);
    expect(fakeSlack.messages({ threadTs: ts }).filter((m) => m.botId !== undefined).map((m) => m.username)).toEqual(["Triage", "History Tutor"]);
  });
});
