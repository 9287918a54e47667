// better-sqlite3 transactions through one wrapper per connection, instead of `db.transaction(fn)` per call.

import type { Database, Transaction } from "better-sqlite3";

type Runner = Transaction<(work: () => unknown) => unknown>;

const runners = new WeakMap<Database, Runner>();

/**
 * `db.transaction(fn)` builds four wrapped functions and defines five properties on each, every time it is called: a
 * few microseconds that a turn paid on each of its commits. The wrapper made here once per connection runs whatever it
 * is given, with the same rules: a transaction of its own, or a savepoint inside one already open.
 */
function runnerOf(db: Database): Runner {
  let runner = runners.get(db);
  if (runner === undefined) {
    runner = db.transaction((work: () => unknown) => work());
    runners.set(db, runner);
  }
  return runner;
}

/** Runs `work` in a write transaction (BEGIN IMMEDIATE), or in a savepoint of the one already open. */
export function immediateTransaction<T>(db: Database, work: () => T): T {
  return runnerOf(db).immediate(work) as T;
}

/** Runs `work` in a deferred transaction (a consistent read of several statements), or in a savepoint of the one open. */
export function deferredTransaction<T>(db: Database, work: () => T): T {
  return runnerOf(db).deferred(work) as T;
}
