// A Slack bot killed while the tutor's answer was streaming natively: at the next start the turn runs again and its
// answer finishes the same message — the stream stopped with the final text and the reply's metadata, or, when Slack
// dropped the stream meanwhile (expired), the message updated — never a second post or stream.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { markdownPieces } from "../../../src/platforms/slack/stream-markdown.js";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { startFakeOpenAI, type RecordedRequest } from "../../support/fake-openai-server.js";
import { FakeSlack, SlackEventSender, slashCommandBody, type FakeSlackMessage } from "../../support/fake-slack/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { CHANNEL, SIGNING_SECRET, STUDENT } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;
const ANSWER = "The derivative of x^2 is 2x, by the power rule: bring the exponent down and lower it by one.";
const SHOWN = markdownPieces(ANSWER, { limit: 3_500, prefix: "" })[0]!;

const scope = crashTestScope();

async function startBot(env: Record<string, string>): Promise<{ bot: LineChild; sender: SlackEventSender }> {
  const bot = scope.start(CHILD, env);
  const port = (await waitForLine(bot.lines, "listening ")).slice("listening ".length);
  return { bot, sender: new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET }) };
}

/** The stream rows the killed process wrote (read from its database file). */
function streamRows(path: string): Array<{ agent_name: string; pieces: string }> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT agent_name, pieces FROM reply_streams ORDER BY id").all() as Array<{ agent_name: string; pieces: string }>;
  } finally {
    db.close();
  }
}

describe("a Slack bot killed mid-stream", () => {
  for (const dropped of [false, true]) {
    it(dropped ? "updates the same message when Slack dropped the stream before the restart" : "stops the same stream with the exact answer after the restart", async () => {
      const model = scope.own(await startFakeOpenAI());
      const never = new Promise<void>(() => undefined);
      model.setResponder((request: RecordedRequest) => (requestAgent(request) === "math_tutor" ? { text: ANSWER, holdAfterChunks: { chunks: 4, until: never } } : seedResponder(request)));
      const fake = scope.own(await FakeSlack.start({ users: [STUDENT] }));
      const dir = scope.tempDir("baton-slack-stream-crash-");
      const env = slackChildEnv(dir, model, fake, { SLACK_SIGNING_SECRET: SIGNING_SECRET, STREAM: "1" });
      const first = await startBot(env);
      await waitForLine(first.bot.lines, "recovered");
      const body = slashCommandBody({
        command: "/homework",
        text: "What is the derivative of x^2?",
        userId: STUDENT.id,
        userName: STUDENT.name,
        channelId: CHANNEL,
        teamId: fake.identity.teamId,
        teamDomain: fake.identity.teamDomain,
        responseUrl: fake.responseUrl(),
      });
      expect((await first.sender.sendCommand(body)).status).toBe(200);
      const tutor = (): FakeSlackMessage | undefined => fake.messages({ channel: CHANNEL }).find((message) => message.username === "Math Tutor");
      const opened = await fake.waitFor(() => (tutor() !== undefined && tutor()!.text !== "" ? tutor() : undefined));
      expect(opened.stream?.state).toBe("streaming");
      expect(SHOWN.startsWith(opened.text) && opened.text.length < SHOWN.length).toBe(true);
      // The message's ts is durable before the process dies (the row is written right after the stream opens).
      while (!streamRows(env.DB).some((row) => row.agent_name === "math_tutor")) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(streamRows(env.DB).find((row) => row.agent_name === "math_tutor")!.pieces).toBe(JSON.stringify([opened.ts]));
      first.bot.child.kill("SIGKILL");
      expect(await first.bot.exited).toBe(null);
      if (dropped) fake.expireStream(CHANNEL, opened.ts);
      const started = fake.callsTo("chat.startStream").length;
      const posted = fake.callsTo("chat.postMessage").length;

      model.setResponder((request: RecordedRequest) => (requestAgent(request) === "math_tutor" ? { text: ANSWER } : seedResponder(request)));
      const second = await startBot(env);
      expect(await waitForLine(second.bot.lines, "recovered")).toBe('recovered {"replies":0,"turns":1,"queued":0}');
      second.bot.child.stdin!.end();
      await waitForLine(second.bot.lines, "done");

      // Nothing new was posted or streamed: the tutor's first message now reads the whole answer, its stream ended.
      expect(fake.callsTo("chat.startStream")).toHaveLength(started);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(posted);
      const tutors = fake.messages({ channel: CHANNEL }).filter((message) => message.username === "Math Tutor");
      expect(tutors.map((message) => [message.ts, message.text, message.stream?.state])).toEqual([[opened.ts, SHOWN, "stopped"]]);
      const finished = fake.calls.filter((call) => (call.method === "chat.stopStream" || call.method === "chat.update") && call.params.ts === opened.ts && call.answer.ok);
      expect(finished.map((call) => call.method).at(-1)).toBe(dropped ? "chat.update" : "chat.stopStream");
      const db = new BetterSqlite3(env.DB, { readonly: true });
      const outbox = db.prepare("SELECT id, agent_name, text, status, platform_message_id FROM outbox WHERE agent_name = 'math_tutor'").all() as Array<{ id: number; text: string; status: string; platform_message_id: string }>;
      db.close();
      expect(outbox).toMatchObject([{ text: ANSWER, status: "sent", platform_message_id: opened.ts }]);
      // Recovery and a withheld answer find it by its metadata.
      expect((tutors[0]!.metadata as { event_payload: { reply_id: number } }).event_payload.reply_id).toBe(outbox[0]!.id);
    }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine
  }
});
