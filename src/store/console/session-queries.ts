// The console's own state: used sign-in links, sessions, and the access log.

import type { Database, Statement } from "better-sqlite3";
import type { AccessEntry, AccessRecord, ConsoleScope, SessionRecord } from "../../admin/ports.js";

interface SessionRow {
  token_hash: string;
  scope: string;
  actor_id: string;
  actor_name: string;
  created_at: number;
  expires_at: number;
}

interface AccessRow {
  at: number;
  actor_id: string;
  actor_name: string;
  scope: string;
  action: string;
}

export class SessionQueries {
  private readonly insertUsedLink: Statement<[string, number, number]>;
  private readonly insertSession: Statement<[string, string, string, string, number, number]>;
  private readonly selectSession: Statement<[string, number], SessionRow>;
  private readonly removeSession: Statement<[string]>;
  private readonly pruneSessions: Statement<[number]>;
  private readonly pruneLinks: Statement<[number]>;
  private readonly insertAccess: Statement<[number, string, string, string, string, number | null]>;
  private readonly selectAccess: Statement<[number, number], AccessRow>;

  constructor(db: Database) {
    this.insertUsedLink = db.prepare("INSERT OR IGNORE INTO console_used_links (nonce, used_at, expires_at) VALUES (?, ?, ?)");
    this.insertSession = db.prepare(
      "INSERT INTO console_sessions (token_hash, scope, actor_id, actor_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.selectSession = db.prepare(
      "SELECT token_hash, scope, actor_id, actor_name, created_at, expires_at FROM console_sessions WHERE token_hash = ? AND expires_at > ?",
    );
    this.removeSession = db.prepare("DELETE FROM console_sessions WHERE token_hash = ?");
    this.pruneSessions = db.prepare("DELETE FROM console_sessions WHERE expires_at <= ?");
    this.pruneLinks = db.prepare("DELETE FROM console_used_links WHERE expires_at <= ?");
    this.insertAccess = db.prepare(
      "INSERT INTO console_access_log (at, actor_id, actor_name, scope, action, conversation_id) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.selectAccess = db.prepare(
      "SELECT at, actor_id, actor_name, scope, action FROM console_access_log WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
    );
  }

  useLink(nonce: string, expiresAt: number, now: number): boolean {
    return this.insertUsedLink.run(nonce, now, expiresAt).changes === 1;
  }

  createSession(session: SessionRecord): void {
    this.insertSession.run(
      session.tokenHash,
      JSON.stringify(session.scope),
      session.actor.id,
      session.actor.name,
      session.createdAt,
      session.expiresAt,
    );
  }

  findSession(tokenHash: string, now: number): SessionRecord | undefined {
    const row = this.selectSession.get(tokenHash, now);
    if (row === undefined) return undefined;
    return {
      tokenHash: row.token_hash,
      // Written by createSession from a checked scope; the console parses it again before trusting it.
      scope: JSON.parse(row.scope) as ConsoleScope,
      actor: { id: row.actor_id, name: row.actor_name },
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  deleteSession(tokenHash: string): void {
    this.removeSession.run(tokenHash);
  }

  pruneExpired(now: number): void {
    this.pruneSessions.run(now);
    this.pruneLinks.run(now);
  }

  recordAccess(entry: AccessEntry): void {
    this.insertAccess.run(entry.at, entry.actor.id, entry.actor.name, entry.scope, entry.action, entry.conversationId ?? null);
  }

  accessLog(conversationId: number, limit: number): AccessRecord[] {
    return this.selectAccess.all(conversationId, limit).map((r) => ({
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      scope: r.scope,
      action: r.action,
    }));
  }
}
