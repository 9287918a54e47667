// Received events: inbound events persisted on arrival, before the adapter's network work turns them into messages.

import type { Database, Statement } from "better-sqlite3";
import type { ReceivedEntry as ReceivedEventRow } from "../bot/store-records.js";
import { immediateTransaction } from "./transactions.js";

// The bot's port record, under the store's name.
export type { ReceivedEventRow };

interface RawRow {
  id: number;
  platform: string;
  event_id: string;
  workspace: string;
  user_id: string;
  payload: string;
}

export class ReceivedEvents {
  private readonly insertEvent: Statement<[string, string, number]>;
  private readonly insertRow: Statement<[string, string, string, string, string, number]>;
  private readonly updatePayload: Statement<[string, number]>;
  private readonly deleteRow: Statement<[number]>;
  private readonly selectAll: Statement<[], RawRow>;
  private readonly deleteUser: Statement<[string, string, string | null, string | null]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.insertEvent = db.prepare("INSERT OR IGNORE INTO inbound_events (platform, event_id, received_at) VALUES (?, ?, ?)");
    this.insertRow = db.prepare(
      "INSERT INTO received_events (platform, event_id, workspace, user_id, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.updatePayload = db.prepare("UPDATE received_events SET payload = ? WHERE id = ?");
    this.deleteRow = db.prepare("DELETE FROM received_events WHERE id = ?");
    this.selectAll = db.prepare("SELECT id, platform, event_id, workspace, user_id, payload FROM received_events ORDER BY id");
    this.deleteUser = db.prepare("DELETE FROM received_events WHERE platform = ? AND user_id = ? AND (? IS NULL OR workspace = ?)");
  }

  /** Records the event id and the payload in one transaction; undefined when the event was seen before. */
  accept(event: { platform: string; eventId: string; workspace: string; userId: string; payload: unknown }): number | undefined {
    return immediateTransaction(this.db, (): number | undefined => {
      const at = this.now();
      if (this.insertEvent.run(event.platform, event.eventId, at).changes === 0) return undefined;
      const payload = JSON.stringify(event.payload);
      return Number(this.insertRow.run(event.platform, event.eventId, event.workspace, event.userId, payload, at).lastInsertRowid);
    });
  }

  /** Replaces what the adapter knows about the event (e.g. the thread it opened for it). False if the row is gone. */
  update(id: number, payload: unknown): boolean {
    return this.updatePayload.run(JSON.stringify(payload), id).changes === 1;
  }

  /** Removes a row; call inside the transaction that stores or queues its message. False if it was gone. */
  remove(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /** Everything not yet finished, in arrival order (after a restart). */
  waiting(): ReceivedEventRow[] {
    return this.selectAll.all().map((r) => ({
      id: r.id,
      platform: r.platform,
      eventId: r.event_id,
      workspace: r.workspace,
      userId: r.user_id,
      payload: JSON.parse(r.payload) as unknown,
    }));
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    return this.deleteUser.run(platform, userId, workspace ?? null, workspace ?? null).changes;
  }
}
