// loadWindow: the newest messages within message and token budgets, by index, never opening on an orphan tool result.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConversationStore } from "../../src/store/index.js";
import type { NewMessage } from "../../src/store/index.js";
import { closeAfterTest, tempStore, thread } from "./temp-database.js";

const said = (text: string): NewMessage => ({ role: "assistant", text, authorAgent: "math_tutor" });

function conversationWith(messages: NewMessage[]) {
  const setup = tempStore();
  const id = setup.store.getOrCreateConversation(thread("t")).id;
  setup.store.appendMessages(id, messages);
  return { ...setup, id };
}

describe("loadWindow", () => {
  it("returns the newest maxMessages, oldest first", () => {
    const { store, id } = conversationWith(Array.from({ length: 10 }, (_, i) => said(`m${i + 1}`)));
    const window = store.loadWindow(id, { maxMessages: 3, maxTokens: 1_000 });
    expect(window.map((m) => m.text)).toEqual(["m8", "m9", "m10"]);
    expect(window.map((m) => m.seq)).toEqual([8, 9, 10]);
  });

  it("stops at the token budget, counting from the newest", () => {
    // 8 characters = 2 estimated tokens each.
    const { store, id } = conversationWith(["aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd"].map(said));
    expect(store.loadWindow(id, { maxMessages: 10, maxTokens: 6 }).map((m) => m.text)).toEqual([
      "bbbbbbbb",
      "cccccccc",
      "dddddddd",
    ]);
    expect(store.loadWindow(id, { maxMessages: 10, maxTokens: 5 })).toHaveLength(2);
  });

  it("always keeps the newest message, even over budget", () => {
    const { store, id } = conversationWith([said("short"), said("x".repeat(400))]);
    expect(store.loadWindow(id, { maxMessages: 10, maxTokens: 10 }).map((m) => m.tokenEstimate)).toEqual([100]);
  });

  it("pages back with beforeSeq", () => {
    const { store, id } = conversationWith(Array.from({ length: 6 }, (_, i) => said(`m${i + 1}`)));
    expect(store.loadWindow(id, { maxMessages: 2, maxTokens: 100, beforeSeq: 5 }).map((m) => m.seq)).toEqual([3, 4]);
  });

  it("never starts with tool results whose tool-call message was cut off", () => {
    const calls = [
      { id: "c1", name: "lookup", arguments: "{}" },
      { id: "c2", name: "lookup", arguments: "{}" },
    ];
    const { store, id } = conversationWith([
      { role: "user", text: "q", userId: "u", userName: "U" },
      { role: "assistant", text: "", authorAgent: "math_tutor", toolCalls: calls },
      { role: "tool", text: "r1", authorAgent: "math_tutor", toolCallId: "c1" },
      { role: "tool", text: "r2", authorAgent: "math_tutor", toolCallId: "c2" },
      said("the answer"),
    ]);
    for (const maxMessages of [2, 3]) {
      const window = store.loadWindow(id, { maxMessages, maxTokens: 1_000 });
      expect(window.map((m) => m.text)).toEqual(["the answer"]);
    }
    const whole = store.loadWindow(id, { maxMessages: 4, maxTokens: 1_000 });
    expect(whole.map((m) => m.role)).toEqual(["assistant", "tool", "tool", "assistant"]);
    expect(whole[0]?.toolCalls).toEqual(calls);
  });

  it("drops orphans left by the token budget too", () => {
    const { store, id } = conversationWith([
      { role: "assistant", text: "x".repeat(100), authorAgent: "a", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] },
      { role: "tool", text: "result", authorAgent: "a", toolCallId: "c1" },
      said("done"),
    ]);
    expect(store.loadWindow(id, { maxMessages: 10, maxTokens: 10 }).map((m) => m.text)).toEqual(["done"]);
  });

  it("reads only the conversation's own messages", () => {
    const { store, id } = conversationWith([said("mine")]);
    const other = store.getOrCreateConversation(thread("other")).id;
    store.appendMessages(other, [said("theirs")]);
    expect(store.loadWindow(id, { maxMessages: 10, maxTokens: 100 }).map((m) => m.text)).toEqual(["mine"]);
  });

  it("is an index range scan, not a table scan; read again, only the counters and what was added since", () => {
    const { path, id } = conversationWith([said("a"), said("b")]);
    const executed: string[] = [];
    const db = closeAfterTest(new BetterSqlite3(path, { verbose: (sql) => executed.push(String(sql)) }));
    const store = new ConversationStore(db);
    const planOf = (sql: string) =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => (row as { detail: string }).detail)
        .join("\n");
    executed.length = 0;
    store.loadWindow(id, { maxMessages: 2, maxTokens: 100 });
    expect(executed).toHaveLength(2);
    expect(planOf(executed[0]!)).toMatch(/^SEARCH conversations USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    expect(planOf(executed[1]!)).toMatch(/^SEARCH messages USING INDEX messages_conversation_seq \(conversation_id=\? AND seq>\?\)$/);
    executed.length = 0;
    expect(store.loadWindow(id, { maxMessages: 2, maxTokens: 100 }).map((m) => m.text)).toEqual(["a", "b"]);
    expect(executed).toHaveLength(1); // nothing changed: the counters only
    store.appendMessages(id, [said("c")]);
    executed.length = 0;
    expect(store.loadWindow(id, { maxMessages: 2, maxTokens: 100 }).map((m) => m.text)).toEqual(["b", "c"]);
    expect(executed).toHaveLength(2);
    expect(executed[1]).toMatch(/seq > 2(\.0)? /); // only what was added since the last read
  });
});
