// Attachments (the media migration's table): listed per message, and read one at a time for the console to serve.

import type { Database, Statement } from "better-sqlite3";
import { scopeSql } from "./scope-sql.js";
import type { AttachmentContent, AttachmentSummary, ConsoleScope } from "./types.js";

interface SummaryRow {
  id: number;
  message_id: number;
  name: string;
  media_type: string;
  size: number;
  width: number | null;
  height: number | null;
}

interface ContentRow {
  conversation_id: number;
  platform: string;
  workspace: string;
  name: string;
  media_type: string;
  data: Buffer;
}

export class AttachmentQueries {
  private readonly byConversation: Statement<[number], SummaryRow>;

  constructor(private readonly db: Database) {
    this.byConversation = db.prepare(
      `SELECT a.id, a.message_id, a.name, a.media_type, length(a.data) AS size, a.width, a.height
       FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ? ORDER BY a.id`,
    );
  }

  ofConversation(conversationId: number): Map<number, AttachmentSummary[]> {
    const byMessage = new Map<number, AttachmentSummary[]>();
    for (const row of this.byConversation.all(conversationId)) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({
        id: row.id,
        name: row.name,
        mediaType: row.media_type,
        bytes: row.size,
        ...(row.width !== null && { width: row.width }),
        ...(row.height !== null && { height: row.height }),
      });
      byMessage.set(row.message_id, list);
    }
    return byMessage;
  }

  content(scope: ConsoleScope, id: number): AttachmentContent | undefined {
    const { sql, params } = scopeSql(scope);
    const row = this.db
      .prepare<(string | number)[], ContentRow>(
        `SELECT c.id AS conversation_id, c.platform, c.workspace, a.name, a.media_type, a.data
         FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id
         WHERE a.id = ? AND ${sql}`,
      )
      .get(id, ...params);
    if (row === undefined) return undefined;
    return {
      conversationId: row.conversation_id,
      platform: row.platform,
      workspace: row.workspace,
      name: row.name,
      mediaType: row.media_type,
      data: new Uint8Array(row.data),
    };
  }
}
