// The flags table: record what moderation found, list it for moderators, mark it reviewed, forget it with the student.

import type { Database, Statement } from "better-sqlite3";
import type { FlagRow, ListFlagsOptions, NewFlag, TurnAnswer, WithheldReply } from "./flag-types.js";
import { ReplacementQueries } from "./replacement-queries.js";
import { immediateTransaction } from "./transactions.js";

interface FlagRecord {
  id: number;
  conversation_id: number;
  message_id: number | null;
  user_id: string | null;
  source: FlagRow["source"];
  categories: string;
  action: FlagRow["action"];
  severity: FlagRow["severity"];
  text: string;
  platform_message_id: string | null;
  created_at: number;
  reviewed_by: string | null;
  reviewed_at: number | null;
  alert: FlagRow["alert"] | null;
  user_name: string | null;
  replacement: FlagRow["replacement"] | null;
  platform: string;
  workspace: string;
  channel: string;
  thread: string;
}

const SELECT =
  "SELECT f.id, f.conversation_id, f.message_id, f.user_id, f.source, f.categories, f.action, f.severity, f.text, " +
  "f.platform_message_id, f.created_at, f.reviewed_by, f.reviewed_at, f.alert, f.user_name, f.replacement, c.platform, c.workspace, c.channel, c.thread " +
  "FROM flags f JOIN conversations c ON c.id = f.conversation_id";

export class FlagStore {
  private readonly insert: Statement<unknown[]>;
  private readonly deleteMessage: Statement<[number]>;
  private readonly byConversation: Statement<[number], FlagRecord>;
  private readonly byId: Statement<[number], FlagRecord>;
  private readonly openListing: Statement<[string, string, number], FlagRecord>;
  private readonly fullListing: Statement<[string, string, number], FlagRecord>;
  private readonly review: Statement<[string, number, number]>;
  private readonly forget: Statement<[string, string, string | null, string | null]>;
  private readonly answers: Statement<[number, number], { message_id: number; author_agent: string | null; text: string; outbox_id: number; platform_message_id: string | null }>;
  private readonly alertedCategory: Statement<[number, number, string], { found: number }>;
  private readonly decideAlert: Statement<[number, number]>;
  private readonly settleAlert: Statement<[string, number]>;
  private readonly pendingAlertRows: Statement<[], FlagRecord>;
  private readonly replacements: ReplacementQueries;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      "INSERT INTO flags (conversation_id, message_id, user_id, user_name, source, categories, action, severity, text, " +
        "platform_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.deleteMessage = db.prepare("DELETE FROM messages WHERE id = ? AND role = 'user'");
    this.byConversation = db.prepare(`${SELECT} WHERE f.conversation_id = ? ORDER BY f.id`);
    this.byId = db.prepare(`${SELECT} WHERE f.id = ?`);
    // Newest first; an outage's "unchecked" marks belong in transcripts, not in the moderators' queue.
    const listing = (extra: string) =>
      `${SELECT} WHERE c.platform = ? AND c.workspace = ? AND f.action <> 'unchecked'${extra} ORDER BY f.id DESC LIMIT ?`;
    this.openListing = db.prepare(listing(" AND f.reviewed_at IS NULL"));
    this.fullListing = db.prepare(listing(""));
    this.review = db.prepare("UPDATE flags SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL");
    this.forget = db.prepare(
      "DELETE FROM flags WHERE user_id = ? AND conversation_id IN " +
        "(SELECT id FROM conversations WHERE platform = ? AND (? IS NULL OR workspace = ?))",
    );
    this.answers = db.prepare(
      "SELECT m.id AS message_id, m.author_agent, m.text, o.id AS outbox_id, o.platform_message_id FROM messages m " +
        "JOIN outbox o ON o.message_id = m.id WHERE m.conversation_id = ? AND m.seq > ? AND m.role = 'assistant' ORDER BY m.seq",
    );
    this.alertedCategory = db.prepare(
      "SELECT 1 AS found FROM flags f, json_each(f.categories) j WHERE f.conversation_id = ? AND f.alerted_at >= ? AND j.key = ? LIMIT 1",
    );
    this.decideAlert = db.prepare("UPDATE flags SET alert = 'pending', alerted_at = ? WHERE id = ? AND alert IS NULL");
    this.settleAlert = db.prepare("UPDATE flags SET alert = ? WHERE id = ? AND alert = 'pending'");
    this.pendingAlertRows = db.prepare(`${SELECT} WHERE f.alert = 'pending' ORDER BY f.id`);
    this.replacements = new ReplacementQueries(db);
  }

  record(flag: NewFlag): number {
    const result = this.insert.run(
      flag.conversationId,
      flag.messageId ?? null,
      flag.userId ?? null,
      flag.userName ?? null,
      flag.source,
      JSON.stringify(flag.categories),
      flag.action,
      flag.severity,
      flag.text,
      flag.platformMessageId ?? null,
      this.now(),
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * A blocked student message leaves the history (so no agent ever reads it, in this turn or a later one) and its
   * text moves into the flag, in one transaction. Its turn goes with it: recovery has nothing to run again.
   */
  block(userMessageId: number, flag: Omit<NewFlag, "messageId" | "action">): number {
    return immediateTransaction(this.db, () => {
      this.deleteMessage.run(userMessageId);
      return this.record({ ...flag, action: "block" });
    });
  }

  /**
   * Decides whether flag `id` is alerted, in one transaction with the check: urgent always; otherwise only when one of its
   * categories had no alert in this conversation within `windowMs`. True: the alert is now pending (post it, then settle).
   */
  claimAlert(id: number, claim: { conversationId: number; categories: readonly string[]; urgent: boolean; windowMs: number }): boolean {
    return immediateTransaction(this.db, () => {
      const at = this.now();
      const since = at - claim.windowMs;
      const fresh = claim.categories.some((category) => this.alertedCategory.get(claim.conversationId, since, category) === undefined);
      if (!claim.urgent && !fresh) return false;
      return this.decideAlert.run(at, id).changes === 1;
    });
  }

  /** A pending alert was posted, or given up on. */
  settleAlertOf(id: number, outcome: "sent" | "failed"): void {
    this.settleAlert.run(outcome, id);
  }

  /** Alerts decided but not yet posted (a restart interrupted them), oldest first. */
  pendingAlerts(): FlagRow[] {
    return this.pendingAlertRows.all().map(toFlagRow);
  }

  forConversation(conversationId: number): FlagRow[] {
    return this.byConversation.all(conversationId).map(toFlagRow);
  }

  get(id: number): FlagRow | undefined {
    const record = this.byId.get(id);
    return record === undefined ? undefined : toFlagRow(record);
  }

  list(options: ListFlagsOptions): FlagRow[] {
    const statement = options.includeReviewed === true ? this.fullListing : this.openListing;
    return statement.all(options.platform, options.workspace, options.limit ?? 10).map(toFlagRow);
  }

  /** True if this call marked it; false if it was already reviewed (or is gone). */
  markReviewed(id: number, moderator: string): boolean {
    return this.review.run(moderator, this.now(), id).changes === 1;
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    return this.forget.run(userId, platform, workspace ?? null, workspace ?? null).changes;
  }

  /** The answers agents gave after the student's message `afterSeq`, with their outbox rows. */
  answersAfter(conversationId: number, afterSeq: number): TurnAnswer[] {
    return this.answers.all(conversationId, afterSeq).map((r) => ({
      messageId: r.message_id,
      agentName: r.author_agent ?? "",
      text: r.text,
      outboxId: r.outbox_id,
      platformMessageId: r.platform_message_id ?? undefined,
    }));
  }

  /**
   * Records a flagged answer's flag and, in the same transaction, owes its replacement by `notice` on the platform; if
   * its outbox row is not posted yet, the row is rewritten so that whichever process posts it posts the notice. The
   * message keeps the answer for moderators.
   */
  withhold(flag: Omit<NewFlag, "action"> & { readonly messageId: number }, reply: { readonly outboxId: number; readonly notice: string }): number {
    return immediateTransaction(this.db, () => {
      const id = this.record({ ...flag, action: "withhold" });
      this.replacements.owe(id, reply.outboxId, reply.notice);
      return id;
    });
  }

  /** Withheld answers whose edit to the notice is still owed (a restart interrupted it), oldest first. */
  pendingReplacements(): WithheldReply[] {
    return this.replacements.pending();
  }

  /** One withheld answer's owed edit, read again (its outbox row may have been posted meanwhile); undefined once settled. */
  pendingReplacement(flagId: number): WithheldReply | undefined {
    return this.replacements.get(flagId);
  }

  /** The edit was made (or nothing was ever shown), or given up on; false if it was not pending. */
  settleReplacement(flagId: number, outcome: "done" | "failed"): boolean {
    return this.replacements.settle(flagId, outcome);
  }

  /** One failed attempt to edit a withheld answer, counted so that a restart does not start the count again. */
  countReplacementFailure(flagId: number): void {
    this.replacements.countFailure(flagId);
  }
}

function toFlagRow(r: FlagRecord): FlagRow {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    key: { platform: r.platform, workspace: r.workspace, channel: r.channel, thread: r.thread },
    messageId: r.message_id ?? undefined,
    userId: r.user_id ?? undefined,
    source: r.source,
    categories: JSON.parse(r.categories) as Record<string, number>,
    action: r.action,
    severity: r.severity,
    text: r.text,
    platformMessageId: r.platform_message_id ?? undefined,
    createdAt: r.created_at,
    reviewedBy: r.reviewed_by ?? undefined,
    reviewedAt: r.reviewed_at ?? undefined,
    alert: r.alert ?? undefined,
    userName: r.user_name ?? undefined,
    replacement: r.replacement ?? undefined,
  };
}
