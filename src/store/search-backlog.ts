// The console's full-text index, filled in batches off the turn's path (migration 0020): messages wait in
// search_backlog until a pass moves them into messages_fts; a search runs a pass first, so it always sees everything.

import type { Database, Statement } from "better-sqlite3";

/** A pass started by the timer indexes at most this many messages, so it never holds the connection for long. */
export const BACKLOG_BATCH = 5_000;

export class SearchBacklog {
  readonly #db: Database;
  readonly #newest: Statement<[number], number>;
  readonly #index: Statement<[number]>;
  readonly #drop: Statement<[number]>;
  readonly #count: Statement<[], number>;

  constructor(db: Database) {
    this.#db = db;
    // The id of the batch's last message: everything up to it is indexed and leaves the backlog in one transaction.
    this.#newest = db.prepare<[number], number>("SELECT max(message_id) FROM (SELECT message_id FROM search_backlog ORDER BY message_id LIMIT ?)").pluck();
    this.#index = db.prepare<[number]>(
      "INSERT INTO messages_fts (rowid, text) SELECT m.id, m.text FROM search_backlog b JOIN messages m ON m.id = b.message_id " +
        "WHERE b.message_id <= ? AND m.role IN ('user', 'assistant') AND m.text <> '' ORDER BY b.message_id",
    );
    this.#drop = db.prepare<[number]>("DELETE FROM search_backlog WHERE message_id <= ?");
    this.#count = db.prepare<[], number>("SELECT count(*) FROM search_backlog").pluck();
  }

  /**
   * Indexes up to `limit` waiting messages (all of them by default) and returns how many left the backlog. One
   * transaction (a savepoint inside an open one): the index and the backlog always agree, whatever rolls back.
   */
  catchUp(limit = Number.MAX_SAFE_INTEGER): number {
    return this.#db.transaction(() => {
      const newest = this.#newest.get(Math.max(1, Math.floor(limit)));
      if (newest === null || newest === undefined) return 0;
      this.#index.run(newest);
      return this.#drop.run(newest).changes;
    })();
  }

  /** Messages not yet searchable. */
  waiting(): number {
    return this.#count.get() ?? 0;
  }
}
