// The SQLite store port on real database files: the port's contract, then what grouping commits must not change.

import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { BUSY_FOR_MS, MAX_GROUP_MS } from "../../src/store/grouped-commits.js";
import { SqliteStorePort } from "../../src/store/sqlite-store-port.js";
import { storePortContract } from "./store.case.js";
import { closeAfterTest, tempDir } from "./temp-database.js";

storePortContract("SQLite", {
  async fresh() {
    const path = join(tempDir(), "baton.db");
    return {
      async open() {
        const db = closeAfterTest(openDatabase(path));
        const port = new SqliteStorePort({ db });
        return {
          port,
          async close() {
            await port.idle();
            db.close();
          },
        };
      },
    };
  },
});

describe("SQLite store port: grouped commits", () => {
  it("commits the transactions asked for in one tick as one SQLite transaction", async () => {
    const path = join(tempDir(), "baton.db");
    const db = closeAfterTest(openDatabase(path));
    const port = new SqliteStorePort({ db });
    const walBytes = (): number => statSync(`${path}-wal`).size;
    const before = walBytes();
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => port.conversations.getOrCreate({ platform: "discord", workspace: "g", channel: "c", thread: `t${i}` })));
    expect(new Set(ids.map((c) => c.id)).size).toBe(50);
    // Each commit appends the pages it touched to the WAL: fifty commits would append the same few pages fifty times.
    const frames = (walBytes() - before) / (db.pragma("page_size", { simple: true }) as number + 24);
    expect(frames).toBeLessThan(20);
  });

  it("a read outside a transaction waits while a group is open, so it never sees rows that might yet roll back", async () => {
    const db = closeAfterTest(openDatabase(join(tempDir(), "baton.db")));
    const port = new SqliteStorePort({ db });
    let seenInside: unknown = "not read";
    const failing = port.transaction(async (tx) => {
      await tx.conversations.getOrCreate({ platform: "discord", workspace: "g", channel: "c", thread: "t1" });
      // Another task's read, issued while this transaction is open.
      void port.conversations.find({ platform: "discord", workspace: "g", channel: "c", thread: "t1" }).then((found) => (seenInside = found));
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      throw new Error("rolled back");
    });
    await expect(failing).rejects.toThrow("rolled back");
    await port.idle();
    expect(seenInside).toBeUndefined();
  });

  it("a quiet store commits a lone transaction at once; overlapping transactions make it wait a turn of the loop and group", async () => {
    const path = join(tempDir(), "baton.db");
    const db = closeAfterTest(openDatabase(path));
    const port = new SqliteStorePort({ db });
    const walFrames = (): number => statSync(`${path}-wal`).size / ((db.pragma("page_size", { simple: true }) as number) + 24);
    const thread = (name: string) => ({ platform: "discord", workspace: "g", channel: "c", thread: name });
    /** Whether a lone transaction committed before a callback set for the loop's next turn ran. */
    const committedFirst = async (name: string): Promise<boolean> => {
      const order: string[] = [];
      setImmediate(() => order.push("next turn"));
      await port.conversations.getOrCreate(thread(name)).then(() => order.push("committed"));
      await new Promise<void>((resolve) => setImmediate(resolve));
      return order[0] === "committed";
    };
    /** Twenty transactions, each asked for by its own callback of the same turn of the loop; the WAL frames they add. */
    const spread = async (prefix: string): Promise<number> => {
      const before = walFrames();
      await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise((resolve) => setImmediate(() => resolve(port.conversations.getOrCreate(thread(`${prefix}${i}`)))))));
      return walFrames() - before;
    };
    expect(await committedFirst("lone")).toBe(true);
    // Quiet: each callback's transaction commits before the next callback runs, twenty commits.
    const quiet = await spread("quiet-");
    // Fifty at once overlap: the store is busy now and waits for the loop's next turn, so the twenty share one commit.
    await Promise.all(Array.from({ length: 50 }, (_, i) => port.conversations.getOrCreate(thread(`burst-${i}`))));
    const busy = await spread("busy-");
    expect(quiet).toBeGreaterThan(3 * busy);
    expect(await committedFirst("busy-lone")).toBe(false);
    // A second without overlap and it is quiet again.
    await new Promise((resolve) => setTimeout(resolve, BUSY_FOR_MS + 50));
    expect(await committedFirst("quiet-again")).toBe(true);
  });
});

describe("SQLite store port: a group's length", () => {
  it("closes a group after MAX_GROUP_MS of its transactions' work: the first of a burst commits before the last has run", async () => {
    const db = closeAfterTest(openDatabase(join(tempDir(), "baton.db")));
    const port = new SqliteStorePort({ db });
    const events: string[] = [];
    const spin = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // each transaction's work takes half a group's time
      }
    };
    const thread = (i: number) => ({ platform: "discord", workspace: "g", channel: "c", thread: `t${i}` });
    // Overlapping transactions first, so the store is busy and groups what comes in one tick.
    await Promise.all(Array.from({ length: 5 }, (_, i) => port.conversations.getOrCreate(thread(100 + i))));
    const burst = Array.from({ length: 12 }, (_, i) =>
      port
        .transaction(async (tx) => {
          events.push(`work ${i}`);
          spin(MAX_GROUP_MS / 2);
          return tx.conversations.getOrCreate(thread(i));
        })
        .then(() => events.push(`committed ${i}`)),
    );
    await Promise.all(burst);
    expect(events.indexOf("committed 0")).toBeGreaterThan(-1);
    expect(events.indexOf("committed 0")).toBeLessThan(events.indexOf("work 11"));
    // Every transaction committed, in the order asked for.
    const committed = events.filter((e) => e.startsWith("committed")).map((e) => Number(e.split(" ")[1]));
    expect(committed).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(new Set((await Promise.all(Array.from({ length: 12 }, (_, i) => port.conversations.find(thread(i))))).map((c) => c?.id)).size).toBe(12);
  });
});
