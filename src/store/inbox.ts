// The inbox: inbound messages accepted (and deduplicated) on arrival, held until their turn stores them as messages.

import type { Database, Statement } from "better-sqlite3";
import type { InboxEntry as InboxRow } from "../bot/store-records.js";
import { immediateTransaction } from "./transactions.js";

// The bot's port record, under the store's name.
export type { InboxRow };

export class Inbox {
  private readonly insertEvent: Statement<[string, string, number]>;
  private readonly insertRow: Statement<[string, string, string, string, number]>;
  private readonly deleteRow: Statement<[number]>;
  private readonly selectAll: Statement<[], { id: number; platform: string; event_id: string; payload: string }>;
  private readonly deleteUser: Statement<[string, string, string | null, string | null]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.insertEvent = db.prepare("INSERT OR IGNORE INTO inbound_events (platform, event_id, received_at) VALUES (?, ?, ?)");
    this.insertRow = db.prepare("INSERT INTO inbox (platform, event_id, user_id, payload, received_at) VALUES (?, ?, ?, ?, ?)");
    this.deleteRow = db.prepare("DELETE FROM inbox WHERE id = ?");
    this.selectAll = db.prepare("SELECT id, platform, event_id, payload FROM inbox ORDER BY id");
    this.deleteUser = db.prepare(
      "DELETE FROM inbox WHERE platform = ? AND user_id = ? AND (? IS NULL OR json_extract(payload, '$.workspace') = ?)",
    );
  }

  /** Records the event id and queues the payload in one transaction; undefined when the event was seen before. */
  accept(platform: string, eventId: string, userId: string, payload: string): number | undefined {
    return immediateTransaction(this.db, (): number | undefined => {
      const at = this.now();
      if (this.insertEvent.run(platform, eventId, at).changes === 0) return undefined;
      return Number(this.insertRow.run(platform, eventId, userId, payload, at).lastInsertRowid);
    });
  }

  /** Queues the payload of an event whose id was recorded already (when it was received). */
  queue(platform: string, eventId: string, userId: string, payload: string): number {
    return Number(this.insertRow.run(platform, eventId, userId, payload, this.now()).lastInsertRowid);
  }

  /** Removes a row; call inside the transaction that stores its message. False if it was gone (forgotten, or taken). */
  remove(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /** Everything still waiting, in arrival order (after a restart). */
  waiting(): InboxRow[] {
    return this.selectAll.all().map((r) => ({ id: r.id, platform: r.platform, eventId: r.event_id, payload: r.payload }));
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    return this.deleteUser.run(platform, userId, workspace ?? null, workspace ?? null).changes;
  }
}
