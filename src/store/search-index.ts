// The console's full-text index, filled in batches off the turn's path (migration 0021): messages above the mark
// (search_progress.indexed_through) wait until a pass indexes them; a search runs a pass first, so it sees everything.

import type { Database, Statement } from "better-sqlite3";
import { deferredTransaction } from "./transactions.js";

/** A pass started by the timer indexes at most this many messages, so it never holds the connection for long. */
export const INDEX_BATCH = 5_000;

const INDEXABLE = "role IN ('user', 'assistant') AND text <> ''";

export class SearchIndex {
  readonly #db: Database;
  readonly #mark: Statement<[], number>;
  readonly #lastOfBatch: Statement<[number, number], number | null>;
  readonly #index: Statement<[number, number]>;
  readonly #move: Statement<[number]>;
  readonly #count: Statement<[number], number>;

  constructor(db: Database) {
    this.#db = db;
    this.#mark = db.prepare<[], number>("SELECT indexed_through FROM search_progress WHERE id = 1").pluck();
    // The id of the batch's last indexable message: everything up to it is indexed and the mark moves past it at once.
    this.#lastOfBatch = db
      .prepare<[number, number], number | null>(`SELECT max(id) FROM (SELECT id FROM messages WHERE id > ? AND ${INDEXABLE} ORDER BY id LIMIT ?)`)
      .pluck();
    this.#index = db.prepare<[number, number]>(`INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages WHERE id > ? AND id <= ? AND ${INDEXABLE} ORDER BY id`);
    this.#move = db.prepare<[number]>("UPDATE search_progress SET indexed_through = ? WHERE id = 1");
    this.#count = db.prepare<[number], number>(`SELECT count(*) FROM messages WHERE id > ? AND ${INDEXABLE}`).pluck();
  }

  /**
   * Indexes up to `limit` waiting messages (all of them by default) and returns how many it indexed. One transaction
   * (a savepoint inside an open one): the index and the mark always agree, whatever rolls back.
   */
  catchUp(limit = Number.MAX_SAFE_INTEGER): number {
    return deferredTransaction(this.#db, () => {
      const mark = this.#mark.get() ?? 0;
      const last = this.#lastOfBatch.get(mark, Math.max(1, Math.floor(limit)));
      if (last === null || last === undefined) return 0;
      const indexed = this.#index.run(mark, last).changes;
      this.#move.run(last);
      return indexed;
    });
  }

  /** Messages not yet searchable. */
  waiting(): number {
    return this.#count.get(this.#mark.get() ?? 0) ?? 0;
  }
}
