// The console's storage on Baton's SQLite database: the queries of this folder behind the console's port (src/admin/ports.ts).

import type { Database } from "better-sqlite3";
import { AttachmentQueries } from "./attachment-queries.js";
import { DetailQueries } from "./detail-queries.js";
import { FlagQueries } from "./flag-queries.js";
import { ListingQueries } from "./listing-queries.js";
import { SessionQueries } from "./session-queries.js";
import { UsageQueries } from "./usage-queries.js";
import type {
  AccessEntry,
  AccessRecord,
  AttachmentContent,
  ConsoleScope,
  ConsoleStore,
  ConversationDetail,
  ConversationPage,
  ConversationQuery,
  FlagRecord,
  SessionRecord,
  UsageBreakdown,
} from "../../admin/ports.js";

/** The tables other features add in their own migrations, and the columns the console reads from them. */
const OPTIONAL_TABLES = {
  flags: ["id", "conversation_id", "message_id", "severity", "categories", "action", "source", "text", "created_at", "reviewed_by", "reviewed_at", "user_name"],
} as const;

function hasTable(db: Database, table: keyof typeof OPTIONAL_TABLES): boolean {
  const columns = new Set(
    db
      .prepare<[string], string>("SELECT name FROM pragma_table_info(?)")
      .pluck()
      .all(table),
  );
  return OPTIONAL_TABLES[table].every((column) => columns.has(column));
}

/** Synchronous SQLite underneath; the interface is asynchronous so another database can implement it. */
export class SqliteConsoleStore implements ConsoleStore {
  readonly features: { readonly flags: boolean };
  private readonly sessions: SessionQueries;
  private readonly listing: ListingQueries;
  private readonly detail: DetailQueries;
  private readonly flagQueries: FlagQueries | undefined;
  private readonly attachmentQueries: AttachmentQueries;
  private readonly usageQueries: UsageQueries;

  constructor(db: Database) {
    this.features = { flags: hasTable(db, "flags") };
    this.sessions = new SessionQueries(db);
    this.flagQueries = this.features.flags ? new FlagQueries(db) : undefined;
    this.attachmentQueries = new AttachmentQueries(db);
    this.listing = new ListingQueries(db, this.features.flags);
    this.detail = new DetailQueries(db, this.flagQueries, this.attachmentQueries);
    this.usageQueries = new UsageQueries(db);
  }

  async useLink(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return this.sessions.useLink(nonce, expiresAt, now);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.sessions.createSession(session);
  }

  async findSession(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    return this.sessions.findSession(tokenHash, now);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.sessions.deleteSession(tokenHash);
  }

  async pruneExpired(now: number): Promise<void> {
    this.sessions.pruneExpired(now);
  }

  async recordAccess(entry: AccessEntry): Promise<void> {
    this.sessions.recordAccess(entry);
  }

  async accessLog(conversationId: number, limit: number): Promise<readonly AccessRecord[]> {
    return this.sessions.accessLog(conversationId, limit);
  }

  async listConversations(query: ConversationQuery): Promise<ConversationPage> {
    return this.listing.list(query);
  }

  async conversation(scope: ConsoleScope, id: number): Promise<ConversationDetail | undefined> {
    return this.detail.conversation(scope, id);
  }

  async filterChoices(scope: ConsoleScope): Promise<{ platforms: string[]; workspaces: string[]; channels: string[]; agents: string[] }> {
    return this.listing.choices(scope);
  }

  async listFlags(scope: ConsoleScope, options: { includeReviewed: boolean; limit: number }): Promise<readonly FlagRecord[]> {
    return this.flagQueries?.list(scope, options) ?? [];
  }

  async markFlagReviewed(
    scope: ConsoleScope,
    flagId: number,
    reviewer: string,
    now: number,
  ): Promise<{ conversationId: number; changed: boolean } | undefined> {
    return this.flagQueries?.markReviewed(scope, flagId, reviewer, now);
  }

  async usage(scope: ConsoleScope, range: { from: number; to: number }): Promise<UsageBreakdown> {
    return this.usageQueries.report(scope, range);
  }

  async attachment(scope: ConsoleScope, id: number): Promise<AttachmentContent | undefined> {
    return this.attachmentQueries.read(scope, id);
  }
}
