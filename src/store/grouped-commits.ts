// Runs asynchronous transactions on one better-sqlite3 connection one at a time, grouping those of one event-loop tick
// (up to a couple of milliseconds of their work) into one SQLite transaction (a savepoint each), and settles each only
// after the group's COMMIT. A quiet store (no transaction asked for while another waited, for a second) commits a lone
// transaction at once instead.

import type { Database, Statement } from "better-sqlite3";
import type { WriteGate } from "./write-gate.js";

export interface CommitOptions {
  /** Called once if the commit still waits after `slowAfterMs` (another process holds the database's lock). */
  readonly onSlow?: () => void;
  readonly slowAfterMs?: number;
  /** Commit at the end of this tick's microtasks rather than after the loop's next turn (a reply's sent-mark). */
  readonly soon?: boolean;
}

interface Queued {
  readonly work: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly slowTimer: NodeJS.Timeout | undefined;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A group stops taking late arrivals past this many transactions, so one group's commit is never put off for long. */
const MAX_GROUP = 512;

/**
 * …or past this much of their work (ms): the first of a burst waits for a couple of milliseconds of others' writes, not
 * for all of them. A thousand students asking at once otherwise each waited for all thousand intakes to be written
 * before any turn could start (~50–90 ms on 2 cores); in groups of 2 ms the first turns reach the model at once and
 * the rest follow while it thinks. Commits stay grouped: a 2 ms group still holds tens of transactions.
 */
export const MAX_GROUP_MS = 2;

/** How long a store that saw transactions overlap keeps waiting for the loop's next turn before it commits. */
export const BUSY_FOR_MS = 1_000;

/**
 * Why grouped: a turn commits several times and every commit appends the same hot pages (the conversation row, index
 * leaves) to the WAL; a thousand conversations committing in the same tick write them once. Why serialised: the
 * connection is shared, so a second transaction interleaving with an open one would join it. A transaction's promise
 * settles after the COMMIT that made it durable, never before: whatever the caller acknowledges or posts afterwards
 * depends only on committed rows. A transaction that throws is rolled back to its savepoint; the others still commit.
 */
export class GroupedCommits {
  readonly #db: Database;
  readonly #gate: WriteGate;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  readonly #savepoint: Statement;
  readonly #release: Statement;
  readonly #rollbackTo: Statement;
  #queued: Queued[] = [];
  #scheduled = false;
  #open = false;
  #flushingSoon = false;
  /** When a transaction was last asked for while another was already waiting or running (performance.now()). */
  #overlappedAt = Number.NEGATIVE_INFINITY;
  /** Reads that came while a group was open, released when it closes. */
  #readers: Array<() => void> = [];

  constructor(db: Database, gate: WriteGate) {
    this.#db = db;
    this.#gate = gate;
    this.#begin = db.prepare("BEGIN IMMEDIATE");
    this.#commit = db.prepare("COMMIT");
    this.#rollback = db.prepare("ROLLBACK");
    this.#savepoint = db.prepare("SAVEPOINT grouped_commit");
    this.#release = db.prepare("RELEASE grouped_commit");
    this.#rollbackTo = db.prepare("ROLLBACK TO grouped_commit");
  }

  /** Queues `work` for the next group; resolves with its value once committed, rejects (rolled back) if it threw. */
  run<T>(work: () => Promise<T>, options: CommitOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { onSlow, slowAfterMs } = options;
      const slowTimer = onSlow === undefined || slowAfterMs === undefined ? undefined : setTimeout(onSlow, slowAfterMs);
      this.#queued.push({ work, resolve: resolve as (value: unknown) => void, reject, slowTimer });
      this.#schedule(options.soon === true);
    });
  }

  /** A read outside any transaction: at once, or after the open group, so it never sees rows not yet committed. */
  read<T>(read: () => T): Promise<T> {
    if (!this.#open) {
      try {
        return Promise.resolve(read());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#readers.push(() => {
        try {
          resolve(read());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Resolves when everything queued so far has committed (or failed). */
  async idle(): Promise<void> {
    while (this.#open || this.#queued.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** True while transactions have overlapped within the last BUSY_FOR_MS: grouping them is then worth a tick's wait. */
  get busy(): boolean {
    return performance.now() - this.#overlappedAt < BUSY_FOR_MS;
  }

  #schedule(soon = false): void {
    if (this.#open || this.#scheduled || this.#flushingSoon) this.#overlappedAt = performance.now();
    if (this.#open) return;
    // A quiet store (one conversation at a time) gains nothing by waiting for others: waiting would only add a turn of
    // the loop to every commit. Transactions asked for while this one waits or runs make it busy, and the next wait.
    if (!this.busy) soon = true;
    if (soon && !this.#flushingSoon) {
      // Whatever is queued goes with it; a flush already set for the loop's next turn then finds less to do.
      this.#flushingSoon = true;
      queueMicrotask(() => {
        this.#flushingSoon = false;
        void this.#flush();
      });
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One tick: every transaction asked for while this one runs (other conversations' steps, sent-marks) joins it.
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    // A group already running (started by a sooner flush) takes these when it closes.
    if (this.#open || this.#queued.length === 0) return;
    this.#open = true;
    const group: Queued[] = [];
    const outcomes: Outcome[] = [];
    try {
      // A locked database delays the whole group, in order, through the gate: never dropped, never reordered.
      await this.#gate.run(() => this.#begin.run());
    } catch (error) {
      this.#close(this.#queued.splice(0).map((item) => ({ item, outcome: { ok: false, error } })));
      return;
    }
    // Alone so far (a hot conversation, a quiet moment): run without a savepoint; if it throws, the whole transaction
    // is rolled back, which holds only its own writes, and whoever arrived meanwhile waits for the next group.
    if (this.#queued.length === 1) {
      const item = this.#queued.shift()!;
      try {
        const value = await item.work();
        group.push(item);
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (this.#db.inTransaction) this.#rollback.run();
        this.#close([{ item, outcome: { ok: false, error } }]);
        return;
      }
    }
    const closeAt = performance.now() + MAX_GROUP_MS;
    while (this.#queued.length > 0 && group.length < MAX_GROUP && performance.now() < closeAt) {
      const item = this.#queued.shift()!;
      group.push(item);
      outcomes.push(await this.#runOne(item));
    }
    try {
      this.#commit.run();
    } catch (error) {
      if (this.#db.inTransaction) this.#rollback.run();
      this.#close(group.map((item) => ({ item, outcome: { ok: false, error } })));
      return;
    }
    this.#close(group.map((item, i) => ({ item, outcome: outcomes[i]! })));
  }

  async #runOne(item: Queued): Promise<Outcome> {
    this.#savepoint.run();
    try {
      const value = await item.work();
      this.#release.run();
      return { ok: true, value };
    } catch (error) {
      // An error SQLite itself rolled the transaction back for leaves nothing to undo; the COMMIT then fails the group.
      if (this.#db.inTransaction) {
        this.#rollbackTo.run();
        this.#release.run();
      }
      return { ok: false, error };
    }
  }

  #close(settled: ReadonlyArray<{ item: Queued; outcome: Outcome }>): void {
    this.#open = false;
    for (const { item, outcome } of settled) {
      if (item.slowTimer !== undefined) clearTimeout(item.slowTimer);
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    }
    const readers = this.#readers.splice(0);
    for (const reader of readers) reader();
    if (this.#queued.length > 0) this.#schedule();
  }
}
