// The contract of the bot's store port (src/bot/store-port.ts): every implementation runs this suite with its factory.

import { afterEach, describe, expect, it } from "vitest";
import type { InboundPlacement, StorePort } from "../../src/bot/store-port.js";
import { moderationContract } from "./store-moderation.case.js";

export interface OpenedStorePort {
  readonly port: StorePort;
  close(): Promise<void>;
}

export interface StorePortFactory {
  /** A fresh, empty database; each `open` opens a port on it (after a close: the same data, as after a restart). */
  fresh(): Promise<{ open(): Promise<OpenedStorePort> }>;
}

const thread = (id: string) => ({ platform: "discord", workspace: "guild-1", channel: "homework", thread: id });

const studentTurn = (text: string): InboundPlacement => ({
  kind: "message",
  message: { role: "user", text, userId: "u1", userName: "Ada" },
  opensTurn: true,
  files: [],
});

export function storePortContract(name: string, factory: StorePortFactory): void {
  describe(`store port contract: ${name}`, () => {
    const opened: OpenedStorePort[] = [];
    afterEach(async () => {
      for (const handle of opened.splice(0).reverse()) await handle.close();
    });
    const start = async (): Promise<{ port: StorePort; open: () => Promise<StorePort>; reopen: () => Promise<StorePort> }> => {
      const database = await factory.fresh();
      const open = async (): Promise<StorePort> => {
        const handle = await database.open();
        opened.push(handle);
        return handle.port;
      };
      const first = await database.open();
      opened.push(first);
      return {
        port: first.port,
        open,
        reopen: async () => {
          opened.splice(opened.indexOf(first), 1);
          await first.close();
          return open();
        },
      };
    };

    it("acceptInbound stores the message, its conversation and its turn once; the same event again is a duplicate", async () => {
      const { port } = await start();
      const request = { thread: thread("t1"), event: { platform: "discord", eventId: "e1" }, place: () => studentTurn("What is 2+2?") };
      const accepted = await port.acceptInbound(request);
      expect(accepted?.placement).toBe("message");
      expect(accepted?.message).toMatchObject({ role: "user", text: "What is 2+2?", turnStatus: "pending", seq: 1 });
      expect(await port.acceptInbound(request)).toBeUndefined();
      const conversation = await port.conversations.find(thread("t1"));
      expect(conversation?.id).toBe(accepted?.conversation.id);
      const window = await port.messages.window(conversation!.id, { maxMessages: 10, maxTokens: 10_000 });
      expect(window.map((m) => m.text)).toEqual(["What is 2+2?"]);
      const pending = await port.turns.pending();
      expect(pending.map((p) => [p.message.id, p.message.turnAttempts])).toEqual([[accepted!.message!.id, 1]]);
      expect(await port.intake.recordEvent("discord", "e1")).toBe(false);
    });

    it("acceptInbound with a receipt consumes it: the receipt's second use is a duplicate, and it is no longer waiting", async () => {
      const { port } = await start();
      const receiptId = await port.intake.receive({ platform: "slack", eventId: "ev-1", workspace: "T1", userId: "u1", payload: { text: "hi" } });
      expect(receiptId).toBeTypeOf("number");
      expect(await port.intake.receive({ platform: "slack", eventId: "ev-1", workspace: "T1", userId: "u1", payload: {} })).toBeUndefined();
      const request = { thread: thread("t1"), event: { platform: "slack", eventId: "ev-1" }, receiptId: receiptId!, place: () => studentTurn("hi") };
      expect((await port.acceptInbound(request))?.placement).toBe("message");
      expect(await port.acceptInbound(request)).toBeUndefined();
      expect(await port.intake.received()).toEqual([]);
    });

    it("place() sees the conversation and whether it waits for a moderator; a queued message waits in the inbox once", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      await port.waits.mark(conversation.id, { human: "teacher", from: "triage_agent", reason: "needs a person", since: 5 });
      const seen: unknown[] = [];
      const accepted = await port.acceptInbound({
        thread: thread("t1"),
        event: { platform: "discord", eventId: "e1" },
        place: (c, wait) => {
          seen.push(c.id, wait?.human);
          return { kind: "queued", userId: "u1", payload: '{"text":"later"}' };
        },
      });
      expect(seen).toEqual([conversation.id, "teacher"]);
      expect(accepted).toMatchObject({ placement: "queued", conversation: { id: conversation.id } });
      expect(await port.intake.queued()).toEqual([{ id: accepted!.inboxId, platform: "discord", eventId: "e1", payload: '{"text":"later"}' }]);
      expect(await port.intake.takeQueued(accepted!.inboxId!)).toBe(true);
      expect(await port.intake.takeQueued(accepted!.inboxId!)).toBe(false);
      expect(await port.intake.queued()).toEqual([]);
    });

    it("a refused message is claimed without its text: no message, no turn, a retry is a duplicate", async () => {
      const { port } = await start();
      const request = { thread: thread("t1"), event: { platform: "discord", eventId: "e9" }, place: (): InboundPlacement => ({ kind: "refused", reason: "too_long" }) };
      const accepted = await port.acceptInbound(request);
      expect(accepted?.placement).toBe("refused");
      expect(await port.messages.window(accepted!.conversation.id, { maxMessages: 10, maxTokens: 10_000 })).toEqual([]);
      expect(await port.turns.pending()).toEqual([]);
      expect(await port.acceptInbound(request)).toBeUndefined();
    });

    it("a transaction that throws leaves nothing written, and its error reaches the caller", async () => {
      const { port } = await start();
      const failure = new Error("boom");
      await expect(
        port.transaction(async (tx) => {
          const conversation = await tx.conversations.getOrCreate(thread("t1"));
          await tx.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "half" });
          await tx.intake.recordEvent("discord", "e1");
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await port.conversations.find(thread("t1"))).toBeUndefined();
      expect(await port.turns.pending()).toEqual([]);
      expect(await port.intake.recordEvent("discord", "e1")).toBe(true);
    });

    it("a throwing place() rolls intake back: the event can be accepted again", async () => {
      const { port } = await start();
      const event = { platform: "discord", eventId: "e1" };
      await expect(port.acceptInbound({ thread: thread("t1"), event, place: () => { throw new Error("no"); } })).rejects.toThrow("no");
      expect(await port.conversations.find(thread("t1"))).toBeUndefined();
      expect((await port.acceptInbound({ thread: thread("t1"), event, place: () => studentTurn("again") }))?.placement).toBe("message");
    });

    it("transactions asked for at once commit or fail each on its own: one throwing takes none of the others with it", async () => {
      const { port } = await start();
      const results = await Promise.allSettled(
        ["a", "b", "c"].map((id) =>
          port.transaction(async (tx) => {
            const conversation = await tx.conversations.getOrCreate(thread(id));
            await tx.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: id });
            if (id === "b") throw new Error("b fails");
            return conversation.id;
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(await port.conversations.find(thread("a"))).toBeDefined();
      expect(await port.conversations.find(thread("b"))).toBeUndefined();
      expect(await port.conversations.find(thread("c"))).toBeDefined();
      expect((await port.turns.pending()).map((p) => p.message.text)).toEqual(["a", "c"]);
    });

    it("concurrent transactions of different conversations never interleave", async () => {
      const { port } = await start();
      const trace: string[] = [];
      await Promise.all(
        ["a", "b", "c"].map((id) =>
          port.transaction(async (tx) => {
            trace.push(`${id}:begin`);
            const conversation = await tx.conversations.getOrCreate(thread(id));
            await tx.messages.append(conversation.id, [{ role: "assistant", text: `${id}1`, authorAgent: "math_tutor" }]);
            await new Promise<void>((resolve) => queueMicrotask(resolve));
            await tx.messages.append(conversation.id, [{ role: "assistant", text: `${id}2`, authorAgent: "math_tutor" }]);
            trace.push(`${id}:end`);
          }),
        ),
      );
      expect(trace).toEqual(["a:begin", "a:end", "b:begin", "b:end", "c:begin", "c:end"]);
    });

    it("a transaction settles only once committed: another connection to the same database sees its rows by then", async () => {
      const { port, open } = await start();
      const other = await open();
      const id = await port.transaction(async (tx) => {
        const conversation = await tx.conversations.getOrCreate(thread("t1"));
        await tx.messages.append(conversation.id, [{ role: "assistant", text: "durable", authorAgent: "math_tutor" }]);
        return conversation.id;
      });
      const seen = await other.messages.window(id, { maxMessages: 10, maxTokens: 10_000 });
      expect(seen.map((m) => m.text)).toEqual(["durable"]);
      const sent = await port.outbox.enqueueNotice(id, { agentName: "triage_agent", text: "notice" });
      expect((await other.outbox.pending()).map((row) => row.id)).toEqual([sent]);
    });

    it("keeps a conversation's messages in the order they were written, across transactions asked for at once", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
      await Promise.all(texts.map((text) => port.messages.append(conversation.id, [{ role: "assistant", text, authorAgent: "math_tutor" }])));
      const window = await port.messages.window(conversation.id, { maxMessages: 50, maxTokens: 100_000 });
      expect(window.map((m) => m.text)).toEqual(texts);
      expect(window.map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
      const newest = await port.messages.window(conversation.id, { maxMessages: 3, maxTokens: 100_000 });
      expect(newest.map((m) => m.text)).toEqual(["m17", "m18", "m19"]);
    });

    it("an outbox reply goes pending → pieces recorded → sent exactly once", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const turn = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q" });
      const streamId = await port.streams.record({ conversationId: conversation.id, turnMessageId: turn.id, agentName: "math_tutor", pieces: ["m-1"] });
      expect(await port.streams.earlier(turn.id)).toEqual([{ id: streamId, agentName: "math_tutor", pieces: ["m-1"] }]);
      const step = await port.transaction(async (tx) => {
        const stored = await tx.messages.appendAgentReply(conversation.id, {
          message: { role: "assistant", text: "4", authorAgent: "math_tutor" },
          reply: { agentName: "math_tutor", text: "4" },
          handoff: { from: "triage_agent", to: "math_tutor" },
        });
        await tx.streams.link(streamId, stored.outboxId!, "m-1");
        return stored;
      });
      expect(step.handoffId).toBeTypeOf("number");
      await port.streams.update(streamId, ["m-1", "m-2"]);
      expect(await port.streams.earlier(turn.id)).toEqual([]);
      expect(await port.streams.piecesOf(step.outboxId!)).toEqual(["m-1", "m-2"]);
      const [pending] = await port.outbox.pending("discord");
      expect(pending).toMatchObject({ id: step.outboxId, status: "pending", text: "4", key: thread("t1"), platformMessageId: "m-1", messageId: step.message.id });
      expect(await port.outbox.pending("slack")).toEqual([]);
      expect(await port.outbox.text(step.outboxId!)).toBe("4");
      expect(await port.outbox.markSent(step.outboxId!, "m-1")).toBe(true);
      expect(await port.outbox.markSent(step.outboxId!, "m-1")).toBe(false);
      expect(await port.outbox.pending()).toEqual([]);
    });

    it("a failing reply is retried until its attempts are used up, then failed for good", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const id = await port.outbox.enqueueNotice(conversation.id, { agentName: "triage_agent", text: "hello" });
      await port.outbox.markFailed(id, "503", { maxAttempts: 2 });
      expect((await port.outbox.pending()).map((row) => [row.id, row.attempts, row.lastError])).toEqual([[id, 1, "503"]]);
      await port.outbox.markFailed(id, "503", { maxAttempts: 2 });
      expect(await port.outbox.pending()).toEqual([]);
      expect(await port.outbox.markSent(id, "late")).toBe(false);
    });

    it("turns: attempts are counted, completing one takes it out of the pending ones", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const turn = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q" });
      expect(await port.turns.status(turn.id)).toBe("pending");
      expect(await port.turns.startAttempt(turn.id)).toBe(1);
      expect(await port.turns.startAttempt(turn.id)).toBe(2);
      expect((await port.turns.pending()).map((p) => [p.message.id, p.message.turnAttempts, p.conversation.id])).toEqual([[turn.id, 2, conversation.id]]);
      await port.turns.complete(turn.id, "failed", "model_unavailable");
      expect(await port.turns.status(turn.id)).toBe("failed");
      expect(await port.turns.pending()).toEqual([]);
      await port.conversations.setActiveAgent(conversation.id, "math_tutor");
      expect((await port.conversations.get(conversation.id))?.activeAgent).toBe("math_tutor");
    });

    it("received events, the inbox, pending turns and replies survive a reopen (a restart)", async () => {
      const { port, reopen } = await start();
      const receiptId = await port.intake.receive({ platform: "slack", eventId: "ev-1", workspace: "T1", userId: "u1", payload: { n: 1 } });
      expect(await port.intake.updateReceived(receiptId!, { n: 2 })).toBe(true);
      const queued = await port.acceptInbound({ thread: thread("t1"), event: { platform: "discord", eventId: "e1" }, place: () => ({ kind: "queued", userId: "u1", payload: "{}" }) });
      const turn = await port.acceptInbound({ thread: thread("t2"), event: { platform: "discord", eventId: "e2" }, place: () => studentTurn("q") });
      const notice = await port.outbox.enqueueNotice(turn!.conversation.id, { agentName: "triage_agent", text: "n" });
      const again = await reopen();
      expect(await again.intake.received()).toEqual([{ id: receiptId, platform: "slack", eventId: "ev-1", workspace: "T1", userId: "u1", payload: { n: 2 } }]);
      expect((await again.intake.queued()).map((row) => row.id)).toEqual([queued!.inboxId]);
      expect((await again.turns.pending()).map((p) => p.message.id)).toEqual([turn!.message!.id]);
      expect((await again.outbox.pending()).map((row) => row.id)).toEqual([notice]);
      expect(await again.intake.receive({ platform: "slack", eventId: "ev-1", workspace: "T1", userId: "u1", payload: {} })).toBeUndefined();
      expect(await again.intake.dropReceived(receiptId!)).toBe(true);
      expect(await again.intake.received()).toEqual([]);
    });

    it("a message's files are kept with it and read back with their bytes", async () => {
      const { port } = await start();
      const accepted = await port.acceptInbound({
        thread: thread("t1"),
        event: { platform: "discord", eventId: "e1" },
        place: () => ({
          kind: "message",
          message: { role: "user", text: "see photo", userId: "u1", userName: "Ada", extraTokens: 85 },
          opensTurn: true,
          files: [{ origin: "upload", kind: "image", mediaType: "image/png", fileName: "a.png", data: new Uint8Array([1, 2, 3]), width: 2, height: 1 }],
        }),
      });
      const files = await port.attachments.withData([accepted!.message!.id]);
      expect(files.map((f) => [f.messageId, f.fileName, f.width, [...f.data]])).toEqual([[accepted!.message!.id, "a.png", 2, [1, 2, 3]]]);
      expect(accepted!.message!.tokenEstimate).toBeGreaterThanOrEqual(85);
    });

    it("a conversation waits for a moderator until handed back; its alert is due until settled", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const turn = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "help" });
      const wait = { human: "teacher", from: "triage_agent", reason: "r", since: 7 };
      await port.waits.mark(conversation.id, wait, turn.id);
      expect(await port.waits.of(conversation.id)).toEqual(wait);
      expect((await port.waits.alertsDue()).map((a) => [a.conversationId, a.message?.text])).toEqual([[conversation.id, "help"]]);
      await port.waits.settleAlert(conversation.id, "sent");
      expect(await port.waits.alertsDue()).toEqual([]);
      expect(await port.waits.clear(conversation.id)).toBe(true);
      expect(await port.waits.clear(conversation.id)).toBe(false);
      expect(await port.waits.of(conversation.id)).toBeUndefined();
    });

    it("a held student's message owes its safety check until settled, once", async () => {
      const { port } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      const wait = { human: "teacher", from: "triage_agent", reason: "r", since: 1 };
      await port.waits.mark(conversation.id, wait);
      const accepted = await port.acceptInbound({
        thread: thread("t1"),
        event: { platform: "discord", eventId: "e1" },
        place: () => ({ kind: "message", message: { role: "user", text: "still there?", userId: "u1", userName: "Ada" }, opensTurn: false, owesCheck: true, files: [] }),
      });
      const id = accepted!.message!.id;
      expect(accepted!.message!.turnStatus).toBeUndefined();
      expect(await port.turns.pending()).toEqual([]);
      expect(await port.waits.heldCheckPending(id)).toBe(true);
      expect((await port.waits.heldChecksDue()).map((m) => m.id)).toEqual([id]);
      expect(await port.waits.settleHeldCheck(id)).toBe(true);
      expect(await port.waits.settleHeldCheck(id)).toBe(false);
      expect(await port.waits.heldChecksDue()).toEqual([]);
    });

    it("forgetting a user deletes their messages, inbox rows and received events, and a write just before is forgotten too", async () => {
      const { port } = await start();
      const accepted = port.acceptInbound({ thread: thread("t1"), event: { platform: "discord", eventId: "e1" }, place: () => studentTurn("secret") });
      const queued = port.acceptInbound({ thread: thread("t2"), event: { platform: "discord", eventId: "e2" }, place: () => ({ kind: "queued", userId: "u1", payload: "{}" }) });
      const received = port.intake.receive({ platform: "discord", eventId: "e3", workspace: "guild-1", userId: "u1", payload: {} });
      // Asked for after the three writes, before any of them was awaited: it runs after them.
      const forgotten = await port.retention.forgetUser("discord", "u1");
      await Promise.all([accepted, queued, received]);
      expect(forgotten).toBe(3);
      expect(await port.turns.pending()).toEqual([]);
      expect(await port.intake.queued()).toEqual([]);
      expect(await port.intake.received()).toEqual([]);
      expect(await port.intake.recordEvent("discord", "e1")).toBe(false);
    });

    it("usage adds up per student, workspace, model and day; a zero delta stores nothing; it survives a reopen", async () => {
      const { port, reopen } = await start();
      const day = (d: string, userId: string, model: string, promptTokens: number, completionTokens: number) =>
        ({ platform: "discord", workspace: "guild-1", userId, day: d, model, promptTokens, completionTokens });
      await port.usage.add(day("2026-12-01", "u1", "gpt-4o", 100, 10));
      await port.usage.add(day("2026-12-01", "u1", "gpt-4o", 50, 5));
      await port.usage.add(day("2026-12-01", "u1", "gpt-4o-mini", 7, 1));
      await port.usage.add(day("2026-12-01", "u2", "gpt-4o", 1_000, 100));
      await port.usage.add(day("2026-12-02", "u1", "gpt-4o", 3, 3));
      await port.usage.add(day("2026-12-01", "u3", "gpt-4o", 0, 0));
      await port.usage.add({ ...day("2026-12-01", "u1", "gpt-4o", 9_999, 9_999), workspace: "guild-2" });
      const reopened = await reopen();
      const oneDay = { platform: "discord", workspace: "guild-1", fromDay: "2026-12-01", toDay: "2026-12-01" };
      expect(await reopened.usage.totals({ ...oneDay, userId: "u1" })).toEqual([
        { model: "gpt-4o", promptTokens: 150, completionTokens: 15 },
        { model: "gpt-4o-mini", promptTokens: 7, completionTokens: 1 },
      ]);
      expect(await reopened.usage.totals(oneDay)).toEqual([
        { model: "gpt-4o", promptTokens: 1_150, completionTokens: 115 },
        { model: "gpt-4o-mini", promptTokens: 7, completionTokens: 1 },
      ]);
      expect(await reopened.usage.totals({ ...oneDay, userId: "u1", toDay: "2026-12-02" })).toContainEqual({ model: "gpt-4o", promptTokens: 153, completionTokens: 18 });
      expect(await reopened.usage.totals({ ...oneDay, userId: "u3" })).toEqual([]);
      // Forgetting a student takes their rows in that workspace only; the others' stay.
      expect(await reopened.usage.forgetUser("discord", "u1", "guild-1")).toBe(3);
      expect(await reopened.usage.totals({ ...oneDay, userId: "u1" })).toEqual([]);
      expect(await reopened.usage.totals({ ...oneDay, workspace: "guild-2", userId: "u1" })).toEqual([{ model: "gpt-4o", promptTokens: 9_999, completionTokens: 9_999 }]);
      expect(await reopened.usage.totals(oneDay)).toEqual([{ model: "gpt-4o", promptTokens: 1_000, completionTokens: 100 }]);
    });

    it("each agent's share is read back by time from the tokens stored on its messages", async () => {
      const { port } = await start();
      const first = await port.acceptInbound({ thread: thread("t1"), event: { platform: "discord", eventId: "e1" }, place: () => studentTurn("first") });
      const conversation = first!.conversation;
      const answer = (agent: string, promptTokens: number, completionTokens: number) => ({
        role: "assistant" as const,
        text: `${agent} answers`,
        authorAgent: agent,
        usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
      });
      await port.messages.append(conversation.id, [answer("Tutor", 100, 20), answer("Checker", 30, 4)]);
      await port.acceptInbound({ thread: thread("t1"), event: { platform: "discord", eventId: "e2" }, place: () => studentTurn("second") });
      await port.messages.append(conversation.id, [answer("Tutor", 5, 1)]);
      const scope = { platform: "discord", workspace: "guild-1" };
      expect(await port.usage.agentTotals({ ...scope, from: 0, to: Date.now() + 60_000 })).toEqual([
        { agent: "Tutor", promptTokens: 105, completionTokens: 21 },
        { agent: "Checker", promptTokens: 30, completionTokens: 4 },
      ]);
      expect(await port.usage.agentTotals({ ...scope, from: Date.now() + 60_000, to: Date.now() + 120_000 })).toEqual([]);
      expect(await port.usage.agentTotals({ ...scope, workspace: "guild-2", from: 0, to: Date.now() + 60_000 })).toEqual([]);
    });

    it("a flag's alert is claimed once (urgent always, else once per category an hour), pending until settled, across a reopen", async () => {
      const { port, reopen } = await start();
      const accepted = await port.acceptInbound({ thread: thread("t1"), event: { platform: "discord", eventId: "e1" }, place: () => studentTurn("help") });
      const conversationId = accepted!.conversation.id;
      const flag = (categories: Record<string, number>, severity: "urgent" | "alert") =>
        port.flags.record({ conversationId, messageId: accepted!.message!.id, userId: "u1", userName: "Ada", source: "input", categories, action: "answer", severity, text: "help" });
      const hour = { conversationId, windowMs: 3_600_000 };
      const first = await flag({ harassment: 0.9 }, "alert");
      expect(await port.flags.get(first)).toMatchObject({ id: first, key: thread("t1"), userName: "Ada", categories: { harassment: 0.9 }, alert: undefined });
      expect(await port.safetyAlerts.claim(first, { ...hour, categories: ["harassment"], urgent: false })).toBe(true);
      expect(await port.safetyAlerts.claim(first, { ...hour, categories: ["harassment"], urgent: false })).toBe(false);
      const sameCategory = await flag({ harassment: 0.8 }, "alert");
      expect(await port.safetyAlerts.claim(sameCategory, { ...hour, categories: ["harassment"], urgent: false })).toBe(false);
      const otherCategory = await flag({ violence: 0.8 }, "alert");
      expect(await port.safetyAlerts.claim(otherCategory, { ...hour, categories: ["violence"], urgent: false })).toBe(true);
      const urgent = await flag({ "self-harm": 0.9, harassment: 0.9 }, "urgent");
      expect(await port.safetyAlerts.claim(urgent, { ...hour, categories: ["self-harm", "harassment"], urgent: true })).toBe(true);
      expect((await port.safetyAlerts.pending()).map((f) => f.id)).toEqual([first, otherCategory, urgent]);
      await port.safetyAlerts.settle(first, "sent");
      await port.safetyAlerts.settle(otherCategory, "failed");
      const reopened = await reopen();
      expect((await reopened.safetyAlerts.pending()).map((f) => f.id)).toEqual([urgent]);
      expect((await reopened.flags.get(first))?.alert).toBe("sent");
      expect((await reopened.flags.get(otherCategory))?.alert).toBe("failed");
      expect((await reopened.flags.get(sameCategory))?.alert).toBeUndefined();
      // Settling is once: a settled alert stays as it was settled.
      await reopened.safetyAlerts.settle(first, "failed");
      expect((await reopened.flags.get(first))?.alert).toBe("sent");
      expect(await reopened.flags.get(urgent + 100)).toBeUndefined();
    });

    it("a withheld answer's outbox row holds the notice, and its edit is owed until settled, once, across a reopen", async () => {
      const { port, reopen } = await start();
      const conversation = await port.conversations.getOrCreate(thread("t1"));
      await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q" });
      const step = await port.messages.appendAgentReply(conversation.id, {
        message: { role: "assistant", text: "a bad answer", authorAgent: "math_tutor" },
        reply: { agentName: "math_tutor", text: "a bad answer" },
      });
      const flagId = await port.flags.withhold(
        { conversationId: conversation.id, messageId: step.message.id, source: "output", categories: { violence: 0.9 }, severity: "alert", text: "a bad answer" },
        { outboxId: step.outboxId!, notice: "Withheld." },
      );
      expect(await port.outbox.text(step.outboxId!)).toBe("Withheld.");
      expect(await port.withheld.of(flagId)).toMatchObject({ flagId, outboxId: step.outboxId, agentName: "math_tutor", text: "a bad answer", outboxStatus: "pending", platformMessageId: undefined, attempts: 0 });
      expect(await port.outbox.markSent(step.outboxId!, "m-1")).toBe(true);
      await port.withheld.countFailure(flagId);
      const reopened = await reopen();
      expect(await reopened.withheld.pending()).toEqual([expect.objectContaining({ flagId, outboxStatus: "sent", platformMessageId: "m-1", attempts: 1 })]);
      expect(await reopened.withheld.settle(flagId, "done")).toBe(true);
      expect(await reopened.withheld.settle(flagId, "failed")).toBe(false);
      expect(await reopened.withheld.of(flagId)).toBeUndefined();
      expect(await reopened.withheld.pending()).toEqual([]);
      expect((await reopened.flags.get(flagId))?.replacement).toBe("done");
    });

    moderationContract(start);
  });
}
