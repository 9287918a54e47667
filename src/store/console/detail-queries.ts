// One conversation as the console shows it: messages with usage and turn status, handoffs, flags, attachments.

import type { Database, Statement } from "better-sqlite3";
import type { FlagQueries } from "./flag-queries.js";
import { conversationSummary, type ConsoleConversationRow } from "./conversation-row.js";
import { scopeSql } from "./scope-sql.js";
import type { AttachmentQueries } from "./attachment-queries.js";
import type { ConsoleScope, ConversationDetail, ConsoleHandoff, MessageRecord } from "../../admin/ports.js";
import { deferredTransaction } from "../transactions.js";

interface MessageRow {
  id: number;
  seq: number;
  role: MessageRecord["role"];
  author_agent: string | null;
  user_id: string | null;
  user_name: string | null;
  text: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  turn_status: MessageRecord["turnStatus"] | null;
  error_code: string | null;
  created_at: number;
}

interface HandoffRow {
  from_agent: string;
  to_agent: string;
  reason: string;
  message_id: number | null;
  created_at: number;
}

const or = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export class DetailQueries {
  private readonly conversations = new Map<ConsoleScope["kind"], Statement<(string | number)[], ConsoleConversationRow>>();
  private readonly messages: Statement<[number], MessageRow>;
  private readonly handoffs: Statement<[number], HandoffRow>;

  constructor(
    private readonly db: Database,
    private readonly flags: FlagQueries | undefined,
    private readonly attachments: AttachmentQueries,
  ) {
    this.messages = db.prepare(
      `SELECT id, seq, role, author_agent, user_id, user_name, text, prompt_tokens, completion_tokens, turn_status,
         error_code, created_at
       FROM messages WHERE conversation_id = ? ORDER BY seq`,
    );
    this.handoffs = db.prepare(
      "SELECT from_agent, to_agent, reason, message_id, created_at FROM handoffs WHERE conversation_id = ? ORDER BY id",
    );
  }

  /** The conversation with everything in it, or undefined if it does not exist or the scope does not reach it. */
  conversation(scope: ConsoleScope, id: number): ConversationDetail | undefined {
    const { sql, params } = scopeSql(scope);
    let statement = this.conversations.get(scope.kind);
    if (statement === undefined) {
      statement = this.db.prepare(
        `SELECT c.id, c.platform, c.workspace, c.channel, c.thread, c.active_agent, c.created_at, c.updated_at
         FROM conversations c WHERE c.id = ? AND ${sql}`,
      );
      this.conversations.set(scope.kind, statement);
    }
    // One read transaction: the messages, handoffs and flags are of the same moment.
    return deferredTransaction(this.db, () => {
      const row = statement.get(id, ...params);
      if (row === undefined) return undefined;
      const attachments = this.attachments.ofConversation(id);
      const messages = this.messages.all(id).map(
        (m): MessageRecord => ({
          id: m.id,
          seq: m.seq,
          role: m.role,
          authorAgent: or(m.author_agent),
          userId: or(m.user_id),
          userName: or(m.user_name),
          text: m.text,
          promptTokens: or(m.prompt_tokens),
          completionTokens: or(m.completion_tokens),
          turnStatus: or(m.turn_status),
          errorCode: or(m.error_code),
          createdAt: m.created_at,
          attachments: attachments.get(m.id) ?? [],
        }),
      );
      const handoffs = this.handoffs.all(id).map(
        (h): ConsoleHandoff => ({
          from: h.from_agent,
          to: h.to_agent,
          reason: h.reason,
          messageId: or(h.message_id),
          createdAt: h.created_at,
        }),
      );
      return {
        ...conversationSummary(row),
        messages,
        handoffs,
        flags: this.flags?.ofConversation(id) ?? [],
      };
    });
  }
}
