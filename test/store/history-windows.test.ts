// The history window kept between turns (migration 0022): whatever happens to a conversation's messages — added,
// forgotten, purged, deleted by another process, written by a transaction that rolled back — the next read gives what
// a fresh read of the table gives.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { HistoryWindows, KEPT_WINDOWS } from "../../src/store/history-windows.js";
import { ConversationStore, type NewMessage } from "../../src/store/index.js";
import { closeAfterTest, tempStore, thread } from "./temp-database.js";

const WINDOW = { maxMessages: 6, maxTokens: 10_000 };
const said = (text: string): NewMessage => ({ role: "assistant", text, authorAgent: "math_tutor" });
const asked = (userId: string, text: string) => ({ userId, userName: userId, text });

/** What a read of the table itself gives: a store of its own, with nothing kept. */
function fresh(path: string, conversationId: number, window = WINDOW) {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return new ConversationStore(db).loadWindow(conversationId, window);
  } finally {
    db.close();
  }
}

describe("history windows kept between reads", () => {
  it("sees messages added since, in order, and drops the oldest past the limit", () => {
    const { store, path } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    store.appendMessages(id, [said("m1"), said("m2")]);
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["m1", "m2"]);
    store.appendUserMessage(id, asked("ada", "m3"));
    store.appendMessages(id, [said("m4"), said("m5"), said("m6"), said("m7")]);
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["m2", "m3", "m4", "m5", "m6", "m7"]);
    store.appendMessages(id, Array.from({ length: 9 }, (_, i) => said(`n${i}`)));
    expect(store.loadWindow(id, WINDOW)).toEqual(fresh(path, id));
  });

  it("forgets what was forgotten: a student's messages deleted, here or by another process", () => {
    const { store, path } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    store.appendUserMessage(id, asked("stays", "keep me"));
    store.appendUserMessage(id, asked("forget-me", "my address is elm street"));
    store.appendMessages(id, [said("an answer")]);
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toContain("my address is elm street");
    store.forgetUser("discord", "forget-me");
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["keep me", "an answer"]);
    // The operator's CLI is another connection: this store learns of it from the table, not from its own writes.
    store.appendUserMessage(id, asked("forget-me", "my phone is 555"));
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toContain("my phone is 555");
    const other = closeAfterTest(new BetterSqlite3(path));
    other.prepare("DELETE FROM messages WHERE conversation_id = ? AND user_id = ?").run(id, "forget-me");
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["keep me", "an answer"]);
  });

  it("is empty once the conversation is purged, and nothing is kept of it", () => {
    const { store, clock } = tempStore();
    const id = store.getOrCreateConversation(thread("old")).id;
    store.appendMessages(id, [said("ancient")]);
    expect(store.loadWindow(id, WINDOW)).toHaveLength(1);
    clock.now += 10_000;
    expect(store.purgeConversationsOlderThan(clock.now)).toBe(1);
    expect(store.loadWindow(id, WINDOW)).toEqual([]);
  });

  it("keeps nothing read inside a write transaction: rows that rolled back never show", () => {
    const { store, path } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    store.appendMessages(id, [said("committed")]);
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["committed"]);
    expect(() =>
      store.transaction(() => {
        store.appendMessages(id, [said("rolled back")]);
        expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["committed", "rolled back"]);
        throw new Error("undo");
      }),
    ).toThrow("undo");
    // The same seq is taken again by another message: a window kept from inside the transaction would show the old one.
    store.appendMessages(id, [said("after")]);
    expect(store.loadWindow(id, WINDOW).map((m) => m.text)).toEqual(["committed", "after"]);
    expect(store.loadWindow(id, WINDOW)).toEqual(fresh(path, id));
  });

  it("a changed message (any column a window shows) is read again", () => {
    const { store, db } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    const [message] = store.appendMessages(id, [said("the first text")]);
    expect(store.loadWindow(id, WINDOW)[0]!.text).toBe("the first text");
    db.prepare("UPDATE messages SET text = ? WHERE id = ?").run("a rewritten text", message!.id);
    expect(store.loadWindow(id, WINDOW)[0]!.text).toBe("a rewritten text");
  });

  it("matches a fresh read after every step of a long random history", () => {
    const { store, path, db } = tempStore();
    const ids = ["a", "b", "c"].map((name) => store.getOrCreateConversation(thread(name)).id);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let step = 0; step < 300; step++) {
      const id = ids[random(ids.length)]!;
      switch (random(6)) {
        case 0:
        case 1:
          store.appendMessages(id, Array.from({ length: 1 + random(4) }, (_, i) => said(`s${step}.${i}`)));
          break;
        case 2:
          store.appendUserMessage(id, asked(`u${random(3)}`, `q${step}`));
          break;
        case 3:
          store.forgetUser("discord", `u${random(3)}`);
          break;
        case 4:
          db.prepare("DELETE FROM messages WHERE id = (SELECT max(id) FROM messages WHERE conversation_id = ?)").run(id);
          break;
        default:
          try {
            store.transaction(() => {
              store.appendMessages(id, [said(`doomed ${step}`)]);
              store.loadWindow(id, WINDOW);
              throw new Error("undo");
            });
          } catch {
            // rolled back, as meant
          }
      }
      const read = ids[random(ids.length)]!;
      const window = random(2) === 0 ? WINDOW : { maxMessages: 3, maxTokens: 10_000 };
      expect(store.loadWindow(read, window), `step ${step}`).toEqual(fresh(path, read, window));
    }
  });

  it(`keeps at most ${KEPT_WINDOWS} conversations' windows, still right for the ones it dropped`, () => {
    const { store, path, db } = tempStore();
    const windows = new HistoryWindows(db);
    const ids = Array.from({ length: KEPT_WINDOWS + 20 }, (_, i) => store.getOrCreateConversation(thread(`t${i}`)).id);
    for (const id of ids) {
      store.appendMessages(id, [said(`hello ${id}`)]);
      windows.read(id, WINDOW);
    }
    expect(windows.size).toBe(KEPT_WINDOWS);
    store.appendMessages(ids[0]!, [said("again")]);
    expect(windows.read(ids[0]!, WINDOW)).toEqual(fresh(path, ids[0]!));
    expect(windows.read(ids.at(-1)!, WINDOW)).toEqual(fresh(path, ids.at(-1)!));
  });
});
