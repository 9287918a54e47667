// A student's message held for a teacher owes its safety check in the database (migration 0019): a bot killed while that
// message's moderation request is held open checks it at its next start, once — the caring reply, the urgent alert and
// the flag each appear once, and still no agent answers in the waiting thread.

import BetterSqlite3 from "better-sqlite3";
import type { APIEmbed } from "discord.js";
import { describe, expect, it } from "vitest";
import { DEFAULT_HELP_RESOURCES } from "../../../src/config/safety-policy.js";
import { TEACHER_ASKED_NOTICE } from "../../../src/bot/teacher-handoff.js";
import { waitForLine, type LineChild } from "../../support/child-lines.js";
import { crashTestScope } from "../../support/crash-test-scope.js";
import { discordChildEnv } from "../../support/service-child-env.js";
import { startFakeDiscord } from "../../support/fake-discord/index.js";
import { offeredToolNames, startFakeOpenAI, type FakeScript, type RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { webhookPostsTo } from "./discord-test-bed.js";

const CHILD = new URL("../../support/discord-service-child.ts", import.meta.url).pathname;
const HELD_TEXT = "nobody answers, I want to die";

const scope = crashTestScope();
const startBot = (env: Record<string, string>): LineChild => scope.start(CHILD, env);

/** Triage hands a question about grades to the teacher (a human participant); the rest plays the seed. */
function responder(request: RecordedRequest): FakeScript {
  if (requestAgent(request) === "triage_agent" && offeredToolNames(request).includes("handoff_to_teacher")) {
    return { text: "", toolCalls: [{ name: "handoff_to_teacher", arguments: { reason: "The student asks about their grades." } }] };
  }
  return seedResponder(request);
}

describe("Discord: a held message's safety check cut off by a crash", () => {
  it("runs at the next start, once: one caring reply, one urgent alert, one flag, and no agent answers", async () => {
    const model = scope.own(await startFakeOpenAI());
    model.setResponder(responder);
    model.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.91 });
    const fake = scope.own(await startFakeDiscord({ channelNames: ["homework", "moderators"] }));
    const moderators = fake.channelId("moderators");
    const env = discordChildEnv(scope.tempDir("baton-held-crash-"), model, fake, { MODERATION: "1", DISCORD_ALERT_CHANNEL_ID: moderators });
    const student = fake.addUser("ivy", { nickname: "Ivy Q." });
    const first = startBot(env);
    await waitForLine(first.lines, "recovered");

    const question = fake.userSays({ channelId: fake.channelId("homework"), author: student, content: `<@${fake.botUser.id}> can you change my grade?` });
    const thread = question.id;
    await fake.waitUntil(() => webhookPostsTo(fake, thread).length === 1 && fake.messagesIn(moderators).length === 1);
    expect(String((webhookPostsTo(fake, thread)[0]!.body as { content: string }).content)).toBe(TEACHER_ASKED_NOTICE("Teacher"));
    const chatCalls = model.requests.length;

    const moderation = model.moderations.hold();
    const held = fake.userSays({ channelId: thread, author: student, content: HELD_TEXT });
    await moderation.arrived(1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    moderation.release();
    // Killed with the message stored and its check owed: no flag, no reply, no alert yet.
    const owed = new BetterSqlite3(env.DB, { readonly: true });
    expect(owed.prepare("SELECT text, held_check FROM messages WHERE held_check IS NOT NULL").all()).toEqual([{ text: HELD_TEXT, held_check: "pending" }]);
    expect(owed.prepare("SELECT count(*) FROM flags").pluck().get()).toBe(0);
    owed.close();
    expect(webhookPostsTo(fake, thread)).toHaveLength(1);

    const second = startBot(env);
    await waitForLine(second.lines, "recovered");
    const urgent = () => fake.messagesIn(moderators).filter((m) => (m.embeds[0] as APIEmbed | undefined)?.title?.startsWith("Urgent") === true);
    await fake.waitUntil(() => webhookPostsTo(fake, thread).length === 2 && urgent().length === 1);
    expect(String((webhookPostsTo(fake, thread)[1]!.body as { content: string }).content)).toContain(DEFAULT_HELP_RESOURCES);
    expect((urgent()[0]!.embeds[0] as APIEmbed).url).toBe(`https://discord.com/channels/${fake.guildId}/${thread}/${held.id}`);

    second.child.stdin!.end();
    await waitForLine(second.lines, "done");
    // Once: nothing is owed any more, so a later start checks nothing again; no agent answered in the waiting thread.
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const flags = db.prepare("SELECT action, severity, text, platform_message_id AS message FROM flags").all();
    const owing = db.prepare("SELECT count(*) FROM messages WHERE held_check IS NOT NULL").pluck().get();
    const waiting = db.prepare("SELECT waiting_for FROM conversations").pluck().all();
    db.close();
    expect(flags).toEqual([{ action: "block", severity: "urgent", text: HELD_TEXT, message: held.id }]);
    expect(owing).toBe(0);
    expect(waiting).toEqual(["teacher"]);
    expect(model.requests).toHaveLength(chatCalls);
    expect(webhookPostsTo(fake, thread)).toHaveLength(2);
    expect(urgent()).toHaveLength(1);
  }, 120_000); // two processes start (tsx), which takes a while on a loaded two-core machine
});
