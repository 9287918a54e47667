// What moderators and privacy requests need: list a channel's conversations, forget a user.

import type { Database, Statement } from "better-sqlite3";
import { CONVERSATION_COLUMNS, toConversationRow } from "./row-mapping.js";
import type { ConversationRecord } from "./row-mapping.js";
import type { ConversationRow, ConversationSummaryRow, ListConversationsOptions } from "./types.js";
import { immediateTransaction } from "./transactions.js";

interface SummaryRecord extends ConversationRecord {
  message_count: number;
  last_agent: string | null;
}

type Filter = "platform" | "workspace" | "channel" | "workspaceChannel";

/** One statement per filter shape: `(? IS NULL OR col = ?)` would stop SQLite from using the listing index. */
function listingSql(where: string): string {
  return `
    SELECT c.id, c.platform, c.workspace, c.channel, c.thread, c.active_agent, c.status, c.created_at, c.updated_at,
      (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count,
      (SELECT m.author_agent FROM messages m WHERE m.conversation_id = c.id AND m.role = 'assistant'
        ORDER BY m.seq DESC LIMIT 1) AS last_agent
    FROM conversations c
    WHERE ${where}
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT ?`;
}

export class ModerationQueries {
  private readonly listing: Record<Filter, Statement<unknown[], SummaryRecord>>;
  private readonly byThread: Statement<[string, string, string | null, string | null], ConversationRecord>;
  private readonly conversationsOfUser: Statement<[string, string, string | null, string | null], number>;
  private readonly deleteUserMessages: Statement<[number, string]>;
  private readonly deleteIfNoUserLeft: Statement<[number, number]>;

  constructor(private readonly db: Database) {
    this.listing = {
      platform: db.prepare(listingSql("c.platform = ?")),
      workspace: db.prepare(listingSql("c.platform = ? AND c.workspace = ?")),
      channel: db.prepare(listingSql("c.platform = ? AND c.channel = ?")),
      workspaceChannel: db.prepare(listingSql("c.platform = ? AND c.workspace = ? AND c.channel = ?")),
    };
    // An operator's lookup (`baton history`), not a hot path: a scan of the platform's conversations is fine.
    this.byThread = db.prepare(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE platform = ? AND thread = ? AND (? IS NULL OR channel = ?) ORDER BY id LIMIT 20`,
    );
    this.conversationsOfUser = db
      .prepare<[string, string, string | null, string | null], number>(
        "SELECT DISTINCT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
          "WHERE m.user_id = ? AND c.platform = ? AND (? IS NULL OR c.workspace = ?)",
      )
      .pluck();
    this.deleteUserMessages = db.prepare("DELETE FROM messages WHERE conversation_id = ? AND user_id = ?");
    this.deleteIfNoUserLeft = db.prepare(
      "DELETE FROM conversations WHERE id = ? AND NOT EXISTS " +
        "(SELECT 1 FROM messages WHERE conversation_id = ? AND role = 'user')",
    );
  }

  /** Most recently active first. */
  list(options: ListConversationsOptions): ConversationSummaryRow[] {
    const limit = options.limit ?? 25;
    const { platform, workspace, channel } = options;
    let records: SummaryRecord[];
    if (workspace !== undefined && channel !== undefined) {
      records = this.listing.workspaceChannel.all(platform, workspace, channel, limit);
    } else if (workspace !== undefined) {
      records = this.listing.workspace.all(platform, workspace, limit);
    } else if (channel !== undefined) {
      records = this.listing.channel.all(platform, channel, limit);
    } else {
      records = this.listing.platform.all(platform, limit);
    }
    return records.map((r) => ({ ...toConversationRow(r), messageCount: r.message_count, lastAgent: r.last_agent }));
  }

  /** The conversations in a thread of that id (in that channel, when given), in any workspace. */
  inThread(platform: string, thread: string, channel?: string): ConversationRow[] {
    return this.byThread.all(platform, thread, channel ?? null, channel ?? null).map(toConversationRow);
  }

  /**
   * Deletes every message with this user id in the platform's conversations and returns how many. A conversation left
   * with no user message at all is deleted too (its agent replies, handoffs and outbox rows cascade): those replies
   * answered, and often quote, the forgotten user. Conversations the user never wrote in are untouched.
   */
  /** With `workspace`, only that guild's or team's conversations (a moderator's reach); without, all of the platform. */
  forgetUser(platform: string, userId: string, workspace?: string): number {
    return immediateTransaction(this.db, () => {
      let deleted = 0;
      for (const conversationId of this.conversationsOfUser.all(userId, platform, workspace ?? null, workspace ?? null)) {
        deleted += this.deleteUserMessages.run(conversationId, userId).changes;
        this.deleteIfNoUserLeft.run(conversationId, conversationId);
      }
      return deleted;
    });
  }
}
