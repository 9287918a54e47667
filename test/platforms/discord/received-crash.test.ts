// The gateway sends an event to one session only: a bot killed before it stored a question must not lose it.
// Killed while the first network call after receipt is held open (the thread, the /ask deferral), it answers once.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { discordChildEnv } from "../../support/service-child-env.js";
import { startFakeDiscord, stringOption } from "../../support/fake-discord/index.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { imagesOf } from "../../support/fake-openai-content.js";
import { sampleImage } from "../../support/sample-files.js";
import { seedResponder } from "../../support/seed-responder.js";
import { webhookPostsTo } from "./discord-test-bed.js";

const CHILD = new URL("../../support/discord-service-child.ts", import.meta.url).pathname;
const THREAD_ON_MESSAGE = "POST /channels/:channelId/messages/:messageId/threads";
const INTERACTION_CALLBACK = "POST /interactions/:interactionId/:token/callback";

const scope = crashTestScope();

const startBot = (env: Record<string, string>): LineChild => scope.start(CHILD, env);

describe("a Discord event received just before a crash", () => {
  it("is answered once after a restart when the bot was killed in its first network call: a mention and /ask", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(seedResponder);
    const discord = scope.own(await startFakeDiscord());
    const fake = discord;
    const dir = scope.tempDir("baton-discord-crash-");
    const env = discordChildEnv(dir, model, fake);
    const homework = fake.channelId("homework");
    const student = fake.addUser("ada", { nickname: "Ada L." });
    const first = startBot(env);
    await waitForLine(first.lines, "recovered");
    const threads = fake.hold(THREAD_ON_MESSAGE);
    const callbacks = fake.hold(INTERACTION_CALLBACK);

    const mention = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> What caused World War 1?` });
    const ask = fake.slashCommand({ name: "ask", user: student, channelId: homework, options: [stringOption("question", "What is the derivative of x^2?")] });
    await threads.arrived(1);
    await callbacks.arrived(1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    // Discord may still act on a request whose caller died: here it does (the thread exists, the /ask was deferred).
    threads.release();
    callbacks.release();
    const answered = (path: string) => fake.calls.some((call) => call.path === path && call.status !== 0);
    await fake.waitUntil(() => answered(`/channels/${homework}/messages/${mention.id}/threads`) && answered(`/interactions/${ask.id}/${ask.token}/callback`));
    expect(model.requests).toHaveLength(0);

    const second = startBot(env);
    expect(await waitForLine(second.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":2}');
    // The mention: the thread opened before the crash (a thread on a message has its id) is used, not a second one.
    expect(fake.threadsIn(homework).map((thread) => thread.id)).toContain(mention.id);
    expect(webhookPostsTo(fake, mention.id).map((call) => (call.body as { content: string }).content)).toEqual([
      "This is a history question. I'll hand this off to the history tutor.",
      'history_tutor on "What caused World War 1?": here is the answer.',
    ]);
    // /ask: its interaction is gone with the process, so the bot posts the question itself and answers under it.
    const asked = fake.messagesIn(homework).filter((message) => message.content === `<@${student.id}> asked: What is the derivative of x^2?`);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.mentions).toEqual([]);
    expect(webhookPostsTo(fake, asked[0]!.id).map((call) => (call.body as { content: string }).content)).toEqual([
      "This is a math question. I'll hand this off to the math tutor.",
      'math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    expect(fake.threadsIn(homework)).toHaveLength(2);

    second.child.stdin!.end();
    await waitForLine(second.lines, "done");
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const left = db.prepare("SELECT (SELECT count(*) FROM received_events) + (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox WHERE status <> 'sent') AS n").pluck().get();
    const questions = db.prepare("SELECT text FROM messages WHERE role = 'user' ORDER BY id").pluck().all();
    const turns = db.prepare("SELECT turn_status FROM messages WHERE role = 'user'").pluck().all();
    db.close();
    expect(left).toBe(0);
    expect(questions.sort()).toEqual(["What caused World War 1?", "What is the derivative of x^2?"]);
    expect(turns).toEqual(["completed", "completed"]);
  }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine

  it("keeps a photo's link with the received event: killed before the download, the restart fetches it and the model sees it", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(seedResponder);
    const discord = scope.own(await startFakeDiscord());
    const fake = discord;
    const dir = scope.tempDir("baton-discord-crash-");
    const env = discordChildEnv(dir, model, fake);
    const homework = fake.channelId("homework");
    const student = fake.addUser("bo");
    const first = startBot(env);
    await waitForLine(first.lines, "recovered");
    const threads = fake.hold(THREAD_ON_MESSAGE);
    const photo = fake.uploadAttachment({ channelId: homework, filename: "worksheet.png", data: await sampleImage(200, 150), contentType: "image/png" });
    const mention = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> what is number 3?`, attachments: [photo] });
    await threads.arrived(1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    threads.release();
    expect(fake.cdnDownloads).toEqual([]);

    const second = startBot(env);
    expect(await waitForLine(second.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":1}');
    await fake.waitUntil(() => webhookPostsTo(fake, mention.id).length >= 2);
    expect(fake.cdnDownloads.map((download) => download.status)).toEqual([200]);
    expect(imagesOf(model.requests[0]!).map((image) => image.mediaType)).toEqual(["image/png"]);
    second.child.stdin!.end();
    await waitForLine(second.lines, "done");
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const stored = db.prepare("SELECT file_name FROM attachments").pluck().all();
    db.close();
    expect(stored).toEqual(["worksheet.png"]);
  }, 120_000);
});
