// Slack acks at once and never resends: a bot killed while users.info is still answering must answer after a restart.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack, messageEvent, SlackEventSender, slashCommandBody } from "../../support/fake-slack/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { CHANNEL, SIGNING_SECRET, STUDENT } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;
const DM_CHANNEL = "D0STUDENT";

const scope = crashTestScope();

async function startBot(env: Record<string, string>): Promise<{ bot: LineChild; sender: SlackEventSender }> {
  const bot = scope.start(CHILD, env);
  const port = (await waitForLine(bot.lines, "listening ")).slice("listening ".length);
  return { bot, sender: new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET }) };
}

describe("a Slack event received just before a crash", () => {
  it("is answered after a restart when the bot was killed while users.info was held open: mention, DM, /homework", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(seedResponder);
    const slack = scope.own(await FakeSlack.start({ users: [STUDENT] }));
    const dir = scope.tempDir("baton-slack-crash-");
    const env = slackChildEnv(dir, model, slack, { SLACK_SIGNING_SECRET: SIGNING_SECRET });
    const { teamId, teamDomain, botUserId } = slack.identity;
    const first = await startBot(env);
    await waitForLine(first.bot.lines, "recovered");
    const usersInfo = slack.hold("users.info");

    const mention = appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${botUserId}> What caused World War 1?` });
    const dm = messageEvent({ channel: DM_CHANNEL, user: STUDENT.id, text: "What is the derivative of x^2?" });
    const acks = await Promise.all([
      first.sender.sendEvent(eventCallback({ teamId, event: mention })),
      first.sender.sendEvent(eventCallback({ teamId, event: dm })),
      first.sender.sendCommand(
        slashCommandBody({ command: "/homework", text: "Who was Napoleon?", userId: STUDENT.id, userName: STUDENT.name, channelId: CHANNEL, teamId, teamDomain, responseUrl: slack.responseUrl() }),
      ),
    ]);
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
    await usersInfo.arrived(3);
    first.bot.child.kill("SIGKILL");
    expect(await first.bot.exited).toBe(null);
    usersInfo.release();
    // Before the kill: the slash command's root was posted, nothing was answered.
    const roots = slack.messages({ channel: CHANNEL }).filter((m) => m.threadTs === undefined);
    expect(roots.map((m) => m.text)).toEqual([`<@${STUDENT.id}> asked: Who was Napoleon?`]);
    expect(model.requests).toHaveLength(0);

    const second = await startBot(env);
    expect(await waitForLine(second.bot.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":3}');
    const answers = (threadTs: string, channel = CHANNEL) => slack!.messages({ channel, threadTs }).map((m) => m.text);
    expect(answers(mention.ts as string)).toEqual([
      "This is a history question. I'll hand this off to the history tutor.",
      'history_tutor on "What caused World War 1?": here is the answer.',
    ]);
    expect(answers(roots[0]!.ts)).toEqual([
      "This is a history question. I'll hand this off to the history tutor.",
      'history_tutor on "Who was Napoleon?": here is the answer.',
    ]);
    const dmAnswers = slack.messages({ channel: DM_CHANNEL }).map((m) => m.text);
    expect(dmAnswers).toEqual([
      "This is a math question. I'll hand this off to the math tutor.",
      'math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    // The root was not posted a second time.
    expect(slack.messages({ channel: CHANNEL }).filter((m) => m.threadTs === undefined)).toHaveLength(1);

    // Nothing is left half-done for a later start.
    second.bot.child.stdin!.end();
    await waitForLine(second.bot.lines, "done");
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const left = db.prepare("SELECT (SELECT count(*) FROM received_events) + (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox WHERE status <> 'sent') AS n").pluck().get();
    const turns = db.prepare("SELECT turn_status FROM messages WHERE role = 'user'").pluck().all();
    db.close();
    expect(left).toBe(0);
    expect(turns).toEqual(["completed", "completed", "completed"]);
  }, 120_000); // three processes start (tsx), which takes a while on a loaded two-core machine
});
