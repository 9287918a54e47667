// An answer withheld before it was ever posted: the next start posts the notice in its place (never the answer), then
// makes the owed edit; the moderators' transcript keeps the answer.

import { describe, expect, it, afterEach } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { FlagStore } from "../../src/store/flag-store.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

const WITHHELD = "This answer was withheld by Baton's safety check. A teacher can review it.";
const ANSWER = 'history_tutor on "What caused World War 1?": here is the answer.';
const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
const question: InboundMessage = { ...ref, eventId: "withheld-ev-1", user: { id: "u1", name: "Ada" }, text: "What caused World War 1?" };

const harnesses: ServiceHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0).reverse()) await h.close();
});

describe("a withheld answer that was never posted", () => {
  it("is posted at the next start as the notice, then edited; the flag settles done and the transcript keeps the answer", async () => {
    // The first process has no adapter for the platform: its replies stay pending, as after a crash before posting.
    const first = await startServiceHarness({ safety: { moderation: true } });
    harnesses.push(first);
    first.fakeOpenAI.moderations.script('World War 1?": here is the answer', { "violence/graphic": 0.8 });
    expect(await first.service.accept(envelopeOf(question))).toMatchObject({ status: "completed" });
    await first.service.classroomSafety()!.settled();
    const flags = new FlagStore(first.db, Date.now);
    const [owed] = flags.pendingReplacements();
    expect(owed).toMatchObject({ outboxStatus: "pending", platformMessageId: undefined, text: ANSWER });
    expect(first.store.pendingReplies().map((r) => r.text)).toEqual(["This is a history question. I'll hand this off to the history tutor.", WITHHELD]);
    await first.service.close();

    const second = await startServiceHarness({ safety: { moderation: true }, databasePath: first.databasePath });
    harnesses.push(second);
    const port = new RecordingPort();
    second.service.registerPort(port);
    expect(await second.service.recover()).toEqual({ replies: 2, turns: 0, queued: 0 });
    await second.service.classroomSafety()!.settled();

    expect(port.attempts.map((r) => [r.kind, r.text, r.maybePosted])).toEqual([
      ["agent", "This is a history question. I'll hand this off to the history tutor.", true],
      ["agent", WITHHELD, true],
    ]);
    expect(port.attempts.some((r) => r.text.includes("here is the answer"))).toBe(false);
    // Posted as the notice, and edited all the same: a crashed process may have posted the answer before it died.
    expect(port.replaced.map(({ reply, text }) => [reply.replyId, reply.platformMessageId, reply.text, text])).toEqual([
      [owed!.outboxId, "test-msg-2", ANSWER, WITHHELD],
    ]);
    expect(new FlagStore(second.db, Date.now).get(owed!.flagId)).toMatchObject({ action: "withhold", replacement: "done" });
    const shown = (await transcriptOf(second.service, ref))!.entries.filter((e) => e.kind === "message" && e.role === "assistant");
    expect(shown.map((e) => e.kind === "message" && [e.text, e.flags.map((f) => f.action)])).toEqual([
      ["This is a history question. I'll hand this off to the history tutor.", []],
      [ANSWER, ["withhold"]],
    ]);
  });

  it("an edit that keeps failing is given up after five attempts, each counted in the flags table (a restart goes on counting), marked failed", async () => {
    const h = await startServiceHarness({ safety: { moderation: true } });
    harnesses.push(h);
    const port = new RecordingPort();
    port.failReplacements = 100;
    h.service.registerPort(port);
    h.fakeOpenAI.moderations.script('World War 1?": here is the answer', { "violence/graphic": 0.8 });
    await h.service.accept(envelopeOf(question));
    await h.service.classroomSafety()!.settled();
    const flags = new FlagStore(h.db, Date.now);
    const [flag] = flags.forConversation(h.store.findConversation(ref)!.id);
    expect(flag).toMatchObject({ action: "withhold", replacement: "failed" });
    expect(port.replaceAttempts).toBe(5);
    expect(h.db.prepare("SELECT replacement_attempts FROM flags WHERE id = ?").pluck().get(flag!.id)).toBe(5);
  });
});
