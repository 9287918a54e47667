// Attachments (migration 0006) as the console reads them: listed per message, and one at a time, within the scope.

import type { Database, Statement } from "better-sqlite3";
import { scopeSql } from "./scope-sql.js";
import type { AttachmentContent, AttachmentSummary, ConsoleScope } from "../../admin/ports.js";

interface SummaryRow {
  id: number;
  message_id: number;
  origin: AttachmentSummary["origin"];
  file_name: string;
  media_type: string;
  byte_size: number;
  width: number | null;
  height: number | null;
  alt_text: string | null;
}

interface ContentRow {
  conversation_id: number;
  platform: string;
  workspace: string;
  file_name: string;
  media_type: string;
  data: Buffer;
}

export class AttachmentQueries {
  private readonly byConversation: Statement<[number], SummaryRow>;
  private readonly content = new Map<ConsoleScope["kind"], Statement<(string | number)[], ContentRow>>();

  constructor(private readonly db: Database) {
    this.byConversation = db.prepare(
      `SELECT id, message_id, origin, file_name, media_type, byte_size, width, height, alt_text
       FROM attachments WHERE conversation_id = ? ORDER BY id`,
    );
  }

  ofConversation(conversationId: number): Map<number, AttachmentSummary[]> {
    const byMessage = new Map<number, AttachmentSummary[]>();
    for (const row of this.byConversation.all(conversationId)) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({
        id: row.id,
        origin: row.origin,
        name: row.file_name,
        mediaType: row.media_type,
        bytes: row.byte_size,
        ...(row.width !== null && { width: row.width }),
        ...(row.height !== null && { height: row.height }),
        ...(row.alt_text !== null && { altText: row.alt_text }),
      });
      byMessage.set(row.message_id, list);
    }
    return byMessage;
  }

  /** The file with its bytes, or undefined if it does not exist or its conversation is outside the scope. */
  read(scope: ConsoleScope, id: number): AttachmentContent | undefined {
    const { sql, params } = scopeSql(scope);
    let statement = this.content.get(scope.kind);
    if (statement === undefined) {
      statement = this.db.prepare(
        `SELECT a.conversation_id, c.platform, c.workspace, a.file_name, a.media_type, a.data
         FROM attachments a JOIN conversations c ON c.id = a.conversation_id WHERE a.id = ? AND ${sql}`,
      );
      this.content.set(scope.kind, statement);
    }
    const row = statement.get(id, ...params);
    if (row === undefined) return undefined;
    return {
      conversationId: row.conversation_id,
      platform: row.platform,
      workspace: row.workspace,
      name: row.file_name,
      mediaType: row.media_type,
      data: new Uint8Array(row.data),
    };
  }
}
