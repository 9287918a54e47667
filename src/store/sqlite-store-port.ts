// SQLite's implementation of the bot's store port: synchronous better-sqlite3 inside, asynchronous grouped commits outside.

import type { Database } from "better-sqlite3";
import pino, { type Logger } from "pino";
import type {
  InboundAccepted,
  InboundRequest,
  StorePort,
  StoreRepositories,
  StoreTransaction,
  TransactionOptions,
} from "../bot/store-port.js";
import { GroupedCommits } from "./grouped-commits.js";
import { INDEX_BATCH, SearchIndex } from "./search-index.js";
import { openTables, READ_OPERATIONS, synchronousRepositories, type SqliteTables, type Synchronous, type SynchronousRepositories } from "./sqlite-repositories.js";
import { WriteGate } from "./write-gate.js";

export interface SqliteStorePortOptions {
  readonly db: Database;
  /** Where a group's BEGIN waits while another process holds the lock; default: a gate of its own. */
  readonly gate?: WriteGate;
  /** Needed for a gate of its own. */
  readonly logger?: Logger;
  readonly now?: () => number;
  /** How often the console's search index takes in new messages (src/store/search-index.ts); default 1 s. */
  readonly searchIndexEveryMs?: number;
}

type Call = <T>(operation: () => T, reads: boolean) => Promise<T>;

export class SqliteStorePort implements StorePort {
  readonly conversations: StoreRepositories["conversations"];
  readonly messages: StoreRepositories["messages"];
  readonly turns: StoreRepositories["turns"];
  readonly outbox: StoreRepositories["outbox"];
  readonly streams: StoreRepositories["streams"];
  readonly intake: StoreRepositories["intake"];
  readonly attachments: StoreRepositories["attachments"];
  readonly transcripts: StoreRepositories["transcripts"];
  readonly waits: StoreRepositories["waits"];
  readonly retention: StoreRepositories["retention"];
  readonly usage: StoreRepositories["usage"];
  readonly flags: StoreRepositories["flags"];
  readonly safetyAlerts: StoreRepositories["safetyAlerts"];
  readonly withheld: StoreRepositories["withheld"];
  /** The gate every write of this connection goes through (shared with the callers that still write synchronously). */
  readonly gate: WriteGate;
  readonly #commits: GroupedCommits;
  readonly #tables: SqliteTables;
  readonly #sync: SynchronousRepositories;
  /** The repositories as a transaction's work sees them: they run at once, inside it. */
  readonly #inTransaction: StoreTransaction;
  readonly #searchTimer: NodeJS.Timeout;

  constructor(options: SqliteStorePortOptions) {
    const now = options.now ?? Date.now;
    this.gate = options.gate ?? new WriteGate({ logger: options.logger ?? pino({ level: "silent" }) });
    this.#commits = new GroupedCommits(options.db, this.gate);
    this.#tables = openTables(options.db, now);
    this.#sync = synchronousRepositories(this.#tables);
    this.#inTransaction = asynchronous(this.#sync, (operation) => settledNow(operation));
    // Outside a transaction, a write is a transaction of its own (grouped with the tick's others); a read waits only
    // for a group that is open.
    const root = asynchronous(this.#sync, (operation, reads) =>
      reads ? this.#commits.read(operation) : this.#commits.run(async () => operation()),
    );
    this.conversations = root.conversations;
    this.messages = root.messages;
    this.turns = root.turns;
    this.outbox = root.outbox;
    this.streams = root.streams;
    this.intake = root.intake;
    this.attachments = root.attachments;
    this.transcripts = root.transcripts;
    this.waits = root.waits;
    this.retention = root.retention;
    this.usage = root.usage;
    this.flags = root.flags;
    this.safetyAlerts = root.safetyAlerts;
    this.withheld = root.withheld;
    // Off the turn's path: a pass is a grouped transaction like any other, so it never interleaves with a turn's.
    const searchIndex = new SearchIndex(options.db);
    const logger = options.logger;
    this.#searchTimer = setInterval(() => {
      if (!options.db.open) return clearInterval(this.#searchTimer);
      this.#commits.run(async () => searchIndex.catchUp(INDEX_BATCH)).catch((error: unknown) => logger?.warn({ err: error }, "could not index messages for search; the next pass retries"));
    }, options.searchIndexEveryMs ?? 1_000);
    this.#searchTimer.unref();
  }

  /** Stops the search index's passes (what is still waiting is indexed by the next start, or by the next search). */
  close(): void {
    clearInterval(this.#searchTimer);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.#commits.run(() => work(this.#inTransaction), options);
  }

  acceptInbound(request: InboundRequest, options?: TransactionOptions): Promise<InboundAccepted | undefined> {
    return this.#commits.run(async () => this.#acceptNow(request), options);
  }

  /** Resolves when every transaction asked for so far has settled. */
  idle(): Promise<void> {
    return this.#commits.idle();
  }

  #acceptNow(request: InboundRequest): InboundAccepted | undefined {
    const { store, received, inbox, files } = this.#tables;
    const { event, receiptId } = request;
    const claimed = receiptId === undefined ? store.recordInboundEvent(event.platform, event.eventId) : received.remove(receiptId);
    if (!claimed) return undefined;
    const conversation = store.getOrCreateConversation(request.thread);
    const placement = request.place(conversation, store.waiting.waitingOf(conversation.id));
    switch (placement.kind) {
      case "claimed":
        return { conversation, placement: "claimed" };
      case "refused":
        store.markEventRefused(event.platform, event.eventId, placement.reason);
        return { conversation, placement: "refused" };
      case "queued": {
        const inboxId = inbox.queue(event.platform, event.eventId, placement.userId, placement.payload);
        return { conversation, placement: "queued", inboxId };
      }
      case "message": {
        const draft = placement.message;
        const [message] = placement.opensTurn
          ? [store.appendUserMessage(conversation.id, { userId: draft.userId ?? "", userName: draft.userName ?? "", text: draft.text, ...optional(draft) })]
          : store.appendMessages(conversation.id, [draft]);
        for (const file of placement.files) files.add({ ...file, messageId: message!.id });
        if (placement.opensTurn) store.startTurnAttempt(message!.id);
        if (placement.owesCheck === true) store.waiting.markHeldCheck(message!.id);
        return { conversation, placement: "message", message: { ...message!, turnAttempts: placement.opensTurn ? 1 : 0 } };
      }
    }
  }
}

function optional(draft: { platformMessageId?: string; extraTokens?: number }): { platformMessageId?: string; extraTokens?: number } {
  return {
    ...(draft.platformMessageId === undefined ? {} : { platformMessageId: draft.platformMessageId }),
    ...(draft.extraTokens === undefined ? {} : { extraTokens: draft.extraTokens }),
  };
}

function settledNow<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Each synchronous operation made the port's, run through `call` (which knows whether it only reads). */
function asynchronous(sync: SynchronousRepositories, call: Call): StoreRepositories {
  const wrap = <R>(repository: Synchronous<R>, reads: ReadonlySet<keyof R>): R => {
    const entries = Object.entries(repository as unknown as Record<string, (...args: unknown[]) => unknown>).map(([name, operation]) => [
      name,
      (...args: unknown[]) => call(() => operation(...args), reads.has(name as keyof R)),
    ]);
    return Object.fromEntries(entries) as R;
  };
  return {
    conversations: wrap(sync.conversations, READ_OPERATIONS.conversations),
    messages: wrap(sync.messages, READ_OPERATIONS.messages),
    turns: wrap(sync.turns, READ_OPERATIONS.turns),
    outbox: wrap(sync.outbox, READ_OPERATIONS.outbox),
    streams: wrap(sync.streams, READ_OPERATIONS.streams),
    intake: wrap(sync.intake, READ_OPERATIONS.intake),
    attachments: wrap(sync.attachments, READ_OPERATIONS.attachments),
    transcripts: wrap(sync.transcripts, READ_OPERATIONS.transcripts),
    waits: wrap(sync.waits, READ_OPERATIONS.waits),
    retention: wrap(sync.retention, READ_OPERATIONS.retention),
    usage: wrap(sync.usage, READ_OPERATIONS.usage),
    flags: wrap(sync.flags, READ_OPERATIONS.flags),
    safetyAlerts: wrap(sync.safetyAlerts, READ_OPERATIONS.safetyAlerts),
    withheld: wrap(sync.withheld, READ_OPERATIONS.withheld),
  };
}

