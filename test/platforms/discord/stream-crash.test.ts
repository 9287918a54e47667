// A bot killed while the tutor's answer was streaming: at the next start the turn runs again and its answer finishes
// the same Discord message (edited to the final text), never posting the answer a second time.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { discordChildEnv } from "../../support/service-child-env.js";
import { startFakeDiscord } from "../../support/fake-discord/index.js";
import { startFakeOpenAI, type RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { webhookPostsTo } from "./discord-test-bed.js";

const CHILD = new URL("../../support/discord-service-child.ts", import.meta.url).pathname;
const ANSWER = "The derivative of x^2 is 2x, by the power rule.";

const scope = crashTestScope();

const startBot = (env: Record<string, string>): LineChild => scope.start(CHILD, env);

/** The stream rows the killed process wrote (read from its database file). */
function streamRows(path: string): Array<{ agent_name: string; pieces: string; outbox_id: number | null }> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT agent_name, pieces, outbox_id FROM reply_streams ORDER BY id").all() as Array<{ agent_name: string; pieces: string; outbox_id: number | null }>;
  } finally {
    db.close();
  }
}

describe("a Discord bot killed mid-stream", () => {
  it("finishes the same message after the restart", async () => {
    const model = scope.own(await startFakeOpenAI());
    const never = new Promise<void>(() => undefined);
    // First process: the tutor writes its first words, then the model hangs until the process is killed.
    model.setResponder((request: RecordedRequest) =>
      requestAgent(request) === "math_tutor" ? { text: ANSWER, holdAfterChunks: { chunks: 4, until: never } } : seedResponder(request),
    );
    const discord = scope.own(await startFakeDiscord());
    const fake = discord;
    const dir = scope.tempDir("baton-stream-crash-");
    const env = discordChildEnv(dir, model, fake, { STREAM: "1" });
    const homework = fake.channelId("homework");
    const student = fake.addUser("ada");
    const first = startBot(env);
    await waitForLine(first.lines, "recovered");
    const question = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> What is the derivative of x^2?` });
    const thread = question.id;
    const tutorMessage = () => fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor");
    await fake.waitUntil(() => tutorMessage() !== undefined);
    const opened = tutorMessage()!;
    expect(ANSWER.startsWith(opened.content) && opened.content.length < ANSWER.length).toBe(true);
    // The message's id is durable before the process dies (the row is written right after the first post).
    for (;;) {
      const rows = streamRows(env.DB).filter((row) => row.agent_name === "math_tutor");
      if (rows.length === 1) {
        expect(rows[0]).toEqual({ agent_name: "math_tutor", pieces: JSON.stringify([opened.id]), outbox_id: null });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    const postsBefore = webhookPostsTo(fake, thread).length;

    model.setResponder((request: RecordedRequest) => (requestAgent(request) === "math_tutor" ? { text: ANSWER } : seedResponder(request)));
    const second = startBot(env);
    expect(await waitForLine(second.lines, "recovered")).toBe('recovered {"replies":0,"turns":1,"queued":0}');
    // No new post: the tutor's message of the first process now reads the whole answer.
    expect(webhookPostsTo(fake, thread)).toHaveLength(postsBefore);
    expect(fake.messagesIn(thread).filter((message) => message.author.username === "Math Tutor").map((message) => [message.id, message.content])).toEqual([
      [opened.id, ANSWER],
    ]);
    second.child.stdin!.end();
    await waitForLine(second.lines, "done");
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const outbox = db.prepare("SELECT agent_name, text, status, platform_message_id FROM outbox ORDER BY id").all();
    db.close();
    expect(outbox).toEqual([
      { agent_name: "triage_agent", text: "This is a math question. I'll hand this off to the math tutor.", status: "sent", platform_message_id: fake.messagesIn(thread)[0]!.id },
      { agent_name: "math_tutor", text: ANSWER, status: "sent", platform_message_id: opened.id },
    ]);
  }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine
});
