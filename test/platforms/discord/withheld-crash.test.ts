// A flagged answer's edit is owed in the database: a bot killed while Discord's PATCH of the webhook message is held
// open makes the edit at its next start, and the thread shows the notice once, the answer kept for moderators.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { discordChildEnv } from "../../support/service-child-env.js";
import { startFakeDiscord } from "../../support/fake-discord/index.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { seedResponder } from "../../support/seed-responder.js";
import { webhookPostsTo } from "./discord-test-bed.js";

const CHILD = new URL("../../support/discord-service-child.ts", import.meta.url).pathname;
const EDIT_WEBHOOK_MESSAGE = "PATCH /webhooks/:webhookId/:token/messages/:messageId";
const WITHHELD = "This answer was withheld by Baton's safety check. A teacher can review it.";
const ANSWER = 'history_tutor on "What caused World War 1?": here is the answer.';

const scope = crashTestScope();

const startBot = (env: Record<string, string>): LineChild => scope.start(CHILD, env);

describe("Discord: a withheld answer's edit cut off by a crash", () => {
  it("is made at the next start: the thread shows the notice once, the flag is settled, the answer is kept", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(seedResponder);
    model.moderations.script('World War 1?": here is the answer', { "violence/graphic": 0.8 });
    const discord = scope.own(await startFakeDiscord());
    const fake = discord;
    const dir = scope.tempDir("baton-withheld-crash-");
    const env = discordChildEnv(dir, model, fake, { MODERATION: "1" });
    const homework = fake.channelId("homework");
    const student = fake.addUser("ada", { nickname: "Ada L." });
    const first = startBot(env);
    await waitForLine(first.lines, "recovered");
    const edits = fake.hold(EDIT_WEBHOOK_MESSAGE);

    const mention = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> What caused World War 1?` });
    await edits.arrived(1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    const posts = webhookPostsTo(fake, mention.id);
    expect(posts.map((call) => (call.body as { content: string }).content)).toEqual(["This is a history question. I'll hand this off to the history tutor.", ANSWER]);
    const answerId = String((posts[1]!.response as { id: string }).id);
    // Killed mid-edit: the answer is still up, and the database owes its replacement.
    expect(fake.world.messages.get(answerId)!.content).toBe(ANSWER);
    const owed = new BetterSqlite3(env.DB, { readonly: true });
    expect(owed.prepare("SELECT action, replacement FROM flags").all()).toEqual([{ action: "withhold", replacement: "pending" }]);
    owed.close();

    const second = startBot(env);
    expect(await waitForLine(second.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":0}');
    // The restarted bot edits it again (the dead one's request may still land: Discord may act on it; both say the same).
    await edits.arrived(2);
    edits.release();
    const patches = () => fake.callsTo("PATCH", new RegExp(`^/webhooks/\\d+/[^/]+/messages/${answerId}$`));
    await fake.waitUntil(() => patches().length === 2 && patches().every((call) => call.status !== 0));
    expect(patches().map((call) => [call.status, call.query.get("thread_id"), (call.body as { content: string }).content])).toEqual([
      [200, mention.id, WITHHELD],
      [200, mention.id, WITHHELD],
    ]);
    expect(fake.world.messages.get(answerId)!.content).toBe(WITHHELD);
    // Nothing was posted anew: the thread shows the narration and, where the answer was, the notice once.
    expect(webhookPostsTo(fake, mention.id)).toHaveLength(2);
    const shown = fake.messagesIn(mention.id).map((message) => message.content);
    expect(shown.filter((content) => content === WITHHELD)).toHaveLength(1);
    expect(shown.some((content) => content.includes("here is the answer"))).toBe(false);

    second.child.stdin!.end();
    await waitForLine(second.lines, "done");
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const flags = db.prepare("SELECT action, replacement, replacement_attempts AS attempts, text FROM flags").all();
    const answers = db.prepare("SELECT text FROM messages WHERE role = 'assistant' ORDER BY seq").pluck().all();
    const unsent = db.prepare("SELECT count(*) FROM outbox WHERE status <> 'sent'").pluck().get();
    db.close();
    expect(flags).toEqual([{ action: "withhold", replacement: "done", attempts: 0, text: ANSWER }]);
    // Moderators' transcript keeps the answer as the agent wrote it.
    expect(answers).toEqual(["This is a history question. I'll hand this off to the history tutor.", ANSWER]);
    expect(unsent).toBe(0);
  }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine
});
