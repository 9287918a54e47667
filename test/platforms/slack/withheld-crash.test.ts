// A flagged answer's edit is owed in the database: a bot killed while Slack's chat.update is held open makes the edit
// at its next start (every part found again by its baton_reply metadata), the notice shown once, the answer kept.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack, SlackEventSender } from "../../support/fake-slack/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { CHANNEL, SIGNING_SECRET, STUDENT } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;
const WITHHELD = "This answer was withheld by Baton's safety check. A teacher can review it.";
const NARRATION = "This is a history question. I'll hand this off to the history tutor.";
const ANSWER = 'history_tutor on "What caused World War 1?": here is the answer.';

const scope = crashTestScope();

async function startBot(env: Record<string, string>): Promise<{ bot: LineChild; sender: SlackEventSender }> {
  const bot = scope.start(CHILD, env);
  const port = (await waitForLine(bot.lines, "listening ")).slice("listening ".length);
  return { bot, sender: new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET }) };
}

describe("Slack: a withheld answer's chat.update cut off by a crash", () => {
  it("is made at the next start: the thread shows the notice once, the flag is settled, the answer is kept", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(seedResponder);
    model.moderations.script('World War 1?": here is the answer', { "violence/graphic": 0.8 });
    const slack = scope.own(await FakeSlack.start({ users: [STUDENT] }));
    const dir = scope.tempDir("baton-withheld-crash-");
    const env = slackChildEnv(dir, model, slack, { SLACK_SIGNING_SECRET: SIGNING_SECRET, MODERATION: "1" });
    const { teamId, botUserId } = slack.identity;
    const first = await startBot(env);
    await waitForLine(first.bot.lines, "recovered");
    const updates = slack.hold("chat.update");

    const mention = appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${botUserId}> What caused World War 1?` });
    expect((await first.sender.sendEvent(eventCallback({ teamId, event: mention }))).status).toBe(200);
    await updates.arrived(1);
    first.bot.child.kill("SIGKILL");
    expect(await first.bot.exited).toBe(null);
    const thread = () => slack!.messages({ channel: CHANNEL, threadTs: mention.ts as string });
    // Killed mid-update: the answer is still up, and the database owes its replacement.
    expect(thread().map((m) => m.text)).toEqual([NARRATION, ANSWER]);
    const answerTs = thread()[1]!.ts;
    const owed = new BetterSqlite3(env.DB, { readonly: true });
    expect(owed.prepare("SELECT action, replacement FROM flags").all()).toEqual([{ action: "withhold", replacement: "pending" }]);
    owed.close();

    const second = await startBot(env);
    expect(await waitForLine(second.bot.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":0}');
    // The restarted bot updates it again; the dead one's request is dropped with its connection, or lands saying the same.
    await updates.arrived(2);
    updates.release();
    // Stopping waits for the edits under way.
    second.bot.child.stdin!.end();
    await waitForLine(second.bot.lines, "done");

    const updated = slack.callsTo("chat.update");
    expect(updated.length).toBeGreaterThanOrEqual(1);
    expect(updated.every((call) => call.params.ts === answerTs && call.params.text === WITHHELD && call.answer.ok === true)).toBe(true);
    // Nothing was posted anew: the narration and, where the answer was, the notice once.
    expect(thread().map((m) => [m.ts === answerTs, m.text])).toEqual([
      [false, NARRATION],
      [true, WITHHELD],
    ]);
    // The two replies were streamed (chat.startStream) or posted (chat.postMessage) once each, never again.
    expect([...slack.callsTo("chat.postMessage"), ...slack.callsTo("chat.startStream")]).toHaveLength(2);
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const flags = db.prepare("SELECT action, replacement, replacement_attempts AS attempts, text, platform_message_id AS ts FROM flags").all();
    const answers = db.prepare("SELECT text FROM messages WHERE role = 'assistant' ORDER BY seq").pluck().all();
    const unsent = db.prepare("SELECT count(*) FROM outbox WHERE status <> 'sent'").pluck().get();
    db.close();
    expect(flags).toEqual([{ action: "withhold", replacement: "done", attempts: 0, text: ANSWER, ts: answerTs }]);
    // Moderators' transcript keeps the answer as the agent wrote it.
    expect(answers).toEqual([NARRATION, ANSWER]);
    expect(unsent).toBe(0);
  }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine
});
