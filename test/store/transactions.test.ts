// The store's transaction helpers: one wrapper per connection, with better-sqlite3's rules (lock mode, savepoints).

import BetterSqlite3 from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deferredTransaction, immediateTransaction } from "../../src/store/transactions.js";
import { closeAfterTest, tempDir } from "./temp-database.js";

function twoConnections(): { db: BetterSqlite3.Database; other: BetterSqlite3.Database } {
  const path = join(tempDir(), "t.db");
  const db = closeAfterTest(new BetterSqlite3(path));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (v INTEGER)");
  const other = closeAfterTest(new BetterSqlite3(path, { timeout: 0 }));
  return { db, other };
}

const values = (db: BetterSqlite3.Database): number[] => db.prepare("SELECT v FROM t ORDER BY v").pluck().all() as number[];

describe("immediateTransaction", () => {
  it("holds the write lock from its start, commits what it wrote and returns the work's value", () => {
    const { db, other } = twoConnections();
    const result = immediateTransaction(db, () => {
      // Nothing written yet, but BEGIN IMMEDIATE took the lock: another connection cannot write.
      expect(() => other.prepare("INSERT INTO t VALUES (99)").run()).toThrow(/SQLITE_BUSY|database is locked/);
      db.prepare("INSERT INTO t VALUES (1)").run();
      return "done";
    });
    expect(result).toBe("done");
    expect(values(other)).toEqual([1]);
  });

  it("rolls back everything when the work throws, and leaves the connection usable", () => {
    const { db } = twoConnections();
    expect(() =>
      immediateTransaction(db, () => {
        db.prepare("INSERT INTO t VALUES (1)").run();
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(db.inTransaction).toBe(false);
    immediateTransaction(db, () => db.prepare("INSERT INTO t VALUES (2)").run());
    expect(values(db)).toEqual([2]);
  });

  it("inside an open transaction is a savepoint: a failure undoes only its own writes", () => {
    const { db } = twoConnections();
    immediateTransaction(db, () => {
      db.prepare("INSERT INTO t VALUES (1)").run();
      expect(() =>
        immediateTransaction(db, () => {
          db.prepare("INSERT INTO t VALUES (2)").run();
          throw new Error("inner");
        }),
      ).toThrow("inner");
      immediateTransaction(db, () => db.prepare("INSERT INTO t VALUES (3)").run());
    });
    expect(values(db)).toEqual([1, 3]);
  });

  it("serves every connection with its own wrapper", () => {
    const { db, other } = twoConnections();
    immediateTransaction(db, () => db.prepare("INSERT INTO t VALUES (1)").run());
    immediateTransaction(other, () => other.prepare("INSERT INTO t VALUES (2)").run());
    expect(values(db)).toEqual([1, 2]);
  });
});

describe("deferredTransaction", () => {
  it("takes no lock until it writes: another connection may write while it only reads", () => {
    const { db, other } = twoConnections();
    const seen = deferredTransaction(db, () => {
      const before = values(db);
      other.prepare("INSERT INTO t VALUES (5)").run();
      // The read transaction keeps its snapshot: the other connection's row is not seen inside it.
      return [before, values(db)];
    });
    expect(seen).toEqual([[], []]);
    expect(values(db)).toEqual([5]);
  });
});
