// The flags table: blocked messages leave the history, listing newest first per workspace, review once, forget and retention.

import { describe, expect, it } from "vitest";
import { FlagStore } from "../../src/store/flag-store.js";
import { UsageStore } from "../../src/store/usage-store.js";
import { tempStore, thread } from "./temp-database.js";

function setup() {
  const t = tempStore();
  return { ...t, flags: new FlagStore(t.db, () => t.clock.now), usage: new UsageStore(t.db) };
}

const base = { source: "input" as const, categories: { "self-harm/intent": 0.93 }, severity: "urgent" as const, text: "sad text" };

describe("FlagStore", () => {
  it("a blocked message leaves the messages (and its pending turn) and lives only in its flag", () => {
    const { store, flags } = setup();
    const c = store.getOrCreateConversation(thread("a"));
    const m = store.appendUserMessage(c.id, { userId: "u1", userName: "Ann", text: "sad text" });
    const id = flags.block(m.id, { ...base, conversationId: c.id, userId: "u1", platformMessageId: "p1" });
    expect(store.loadWindow(c.id, { maxMessages: 10, maxTokens: 1000 })).toEqual([]);
    expect(store.pendingTurns()).toEqual([]);
    expect(flags.get(id)).toMatchObject({ action: "block", messageId: undefined, text: "sad text", key: thread("a"), userId: "u1", platformMessageId: "p1" });
  });

  it("lists a workspace's open flags newest first, without 'unchecked' marks; marks reviewed once", () => {
    const { store, flags, clock } = setup();
    const a = store.getOrCreateConversation(thread("a")).id;
    const other = store.getOrCreateConversation(thread("b", { workspace: "guild-2" })).id;
    const first = flags.record({ ...base, conversationId: a, action: "answer", severity: "flag" });
    clock.now += 1;
    const second = flags.record({ ...base, conversationId: a, action: "block" });
    flags.record({ ...base, conversationId: a, action: "unchecked", severity: "none", categories: {} });
    flags.record({ ...base, conversationId: other, action: "block" });
    expect(flags.list({ platform: "discord", workspace: "guild-1" }).map((f) => f.id)).toEqual([second, first]);
    expect(flags.markReviewed(second, "mod-1")).toBe(true);
    expect(flags.markReviewed(second, "mod-2")).toBe(false);
    expect(flags.get(second)).toMatchObject({ reviewedBy: "mod-1", reviewedAt: clock.now });
    expect(flags.list({ platform: "discord", workspace: "guild-1" }).map((f) => f.id)).toEqual([first]);
    expect(flags.list({ platform: "discord", workspace: "guild-1", includeReviewed: true }).map((f) => f.id)).toEqual([second, first]);
    expect(flags.forConversation(a)).toHaveLength(3);
  });

  it("forgetting a student deletes their flags and usage (in the moderator's workspace only); retention cascades", () => {
    const { store, flags, usage, clock } = setup();
    const a = store.getOrCreateConversation(thread("a")).id;
    const b = store.getOrCreateConversation(thread("b", { workspace: "guild-2" })).id;
    flags.record({ ...base, conversationId: a, userId: "u1", action: "block" });
    flags.record({ ...base, conversationId: b, userId: "u1", action: "block" });
    flags.record({ ...base, conversationId: a, userId: "u2", action: "block" });
    usage.add({ platform: "discord", workspace: "guild-1", userId: "u1", day: "2026-12-02", model: "m", promptTokens: 5, completionTokens: 1 });
    expect(flags.forgetUser("discord", "u1", "guild-1")).toBe(1);
    expect(usage.forgetUser("discord", "u1", "guild-1")).toBe(1);
    expect(flags.forConversation(b)).toHaveLength(1);
    expect(flags.forConversation(a).map((f) => f.userId)).toEqual(["u2"]);
    clock.now += 1;
    store.purgeConversationsOlderThan(clock.now);
    expect(flags.forConversation(a)).toEqual([]);
  });
});

describe("UsageStore", () => {
  it("adds up per day and model, for a student or the whole workspace", () => {
    const { usage } = setup();
    const at = { platform: "slack", workspace: "T1", model: "gpt-4o-mini" };
    usage.add({ ...at, userId: "u1", day: "2026-12-01", promptTokens: 100, completionTokens: 10 });
    usage.add({ ...at, userId: "u1", day: "2026-12-02", promptTokens: 50, completionTokens: 5 });
    usage.add({ ...at, userId: "u1", day: "2026-12-02", promptTokens: 50, completionTokens: 5 });
    usage.add({ ...at, userId: "u2", day: "2026-12-02", promptTokens: 7, completionTokens: 3 });
    const today = { platform: "slack", workspace: "T1", fromDay: "2026-12-02", toDay: "2026-12-02" };
    expect(usage.totals({ ...today, userId: "u1" })).toEqual([{ model: "gpt-4o-mini", promptTokens: 100, completionTokens: 10 }]);
    expect(usage.totals(today)).toEqual([{ model: "gpt-4o-mini", promptTokens: 107, completionTokens: 13 }]);
    expect(usage.totals({ ...today, fromDay: "2026-12-01" })).toEqual([{ model: "gpt-4o-mini", promptTokens: 207, completionTokens: 23 }]);
  });
});
