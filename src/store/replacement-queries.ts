// The flags table's replacement columns: a withheld answer's edit to the notice, owed from the flag's transaction until done.

import type { Database, Statement } from "better-sqlite3";
import type { FlagReplacementState, WithheldReply } from "./flag-types.js";
import type { ReplyStatus } from "./types.js";

interface WithheldRecord {
  flag_id: number;
  conversation_id: number;
  platform: string;
  workspace: string;
  channel: string;
  thread: string;
  outbox_id: number;
  agent_name: string;
  text: string;
  status: ReplyStatus;
  platform_message_id: string | null;
  replacement_attempts: number;
}

// The flag's text is the answer as the agent wrote it: what may be up on the platform, whatever the outbox row says now.
const SELECT =
  "SELECT f.id AS flag_id, f.conversation_id, c.platform, c.workspace, c.channel, c.thread, o.id AS outbox_id, o.agent_name, " +
  "f.text, o.status, o.platform_message_id, f.replacement_attempts FROM flags f " +
  "JOIN conversations c ON c.id = f.conversation_id JOIN outbox o ON o.message_id = f.message_id AND o.kind = 'agent' " +
  "WHERE f.replacement = 'pending'";

/** Statements prepared once; FlagStore composes `owe` into the transaction that records the flag. */
export class ReplacementQueries {
  private readonly oweStmt: Statement<[number]>;
  private readonly rewritePending: Statement<[string, number]>;
  private readonly pendingAll: Statement<[], WithheldRecord>;
  private readonly pendingOne: Statement<[number], WithheldRecord>;
  private readonly settleStmt: Statement<[FlagReplacementState, number]>;
  private readonly failStmt: Statement<[number]>;

  constructor(db: Database) {
    this.oweStmt = db.prepare("UPDATE flags SET replacement = 'pending' WHERE id = ? AND replacement IS NULL");
    // Only a row still pending is rewritten: its next post (this process's, or a restart's) carries the notice.
    this.rewritePending = db.prepare("UPDATE outbox SET text = ? WHERE id = ? AND status = 'pending'");
    this.pendingAll = db.prepare(`${SELECT} ORDER BY f.id`);
    this.pendingOne = db.prepare(`${SELECT} AND f.id = ?`);
    this.settleStmt = db.prepare("UPDATE flags SET replacement = ? WHERE id = ? AND replacement = 'pending'");
    this.failStmt = db.prepare("UPDATE flags SET replacement_attempts = replacement_attempts + 1 WHERE id = ? AND replacement = 'pending'");
  }

  /** Inside the flag's transaction: the edit is owed, and an answer not posted yet will be posted as the notice. */
  owe(flagId: number, outboxId: number, notice: string): void {
    this.oweStmt.run(flagId);
    this.rewritePending.run(notice, outboxId);
  }

  pending(): WithheldReply[] {
    return this.pendingAll.all().map(toWithheldReply);
  }

  get(flagId: number): WithheldReply | undefined {
    const record = this.pendingOne.get(flagId);
    return record === undefined ? undefined : toWithheldReply(record);
  }

  settle(flagId: number, outcome: "done" | "failed"): boolean {
    return this.settleStmt.run(outcome, flagId).changes === 1;
  }

  countFailure(flagId: number): void {
    this.failStmt.run(flagId);
  }
}

function toWithheldReply(r: WithheldRecord): WithheldReply {
  return {
    flagId: r.flag_id,
    conversationId: r.conversation_id,
    key: { platform: r.platform, workspace: r.workspace, channel: r.channel, thread: r.thread },
    outboxId: r.outbox_id,
    agentName: r.agent_name,
    text: r.text,
    outboxStatus: r.status,
    platformMessageId: r.platform_message_id ?? undefined,
    attempts: r.replacement_attempts,
  };
}
