// Opens the SQLite database and every store the service runs on: the one place the bot's storage is created.

import type { Logger } from "pino";
import { ConversationStore } from "../store/conversation-store.js";
import { openDatabase, type Database } from "../store/database.js";
import { Inbox } from "../store/inbox.js";
import { ReceivedEvents } from "../store/received-events.js";
import { SqliteStorePort } from "../store/sqlite-store-port.js";
import { WriteGate } from "../store/write-gate.js";

export interface StoreOptions {
  readonly databasePath: string;
  /** How long one write may block the event loop on another process's lock before WriteGate retries it off the loop. */
  readonly busyTimeoutMs: number;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface OpenedStore {
  /** The database itself: the web console, the health probe and the history export read it directly. */
  readonly db: Database;
  /** The bot's store port over the same connection and gate: its commits are grouped, one tick's in one transaction. */
  readonly storePort: SqliteStorePort;
  readonly store: ConversationStore;
  readonly inbox: Inbox;
  readonly received: ReceivedEvents;
  readonly gate: WriteGate;
}

export function openStore(options: StoreOptions): OpenedStore {
  const { now } = options;
  const db = openDatabase(options.databasePath, { busyTimeoutMs: options.busyTimeoutMs });
  const gate = new WriteGate({ logger: options.logger, now });
  return {
    db,
    storePort: new SqliteStorePort({ db, gate, now, logger: options.logger }),
    store: new ConversationStore(db, { now }),
    inbox: new Inbox(db, now),
    received: new ReceivedEvents(db, now),
    gate,
  };
}
