// The attachments table: add a message's files, list them per message or conversation, read one with its bytes.

import { createHash } from "node:crypto";
import type { Database, Statement } from "better-sqlite3";
import type { AttachmentInfo, NewAttachment, StoredAttachment } from "./attachment-types.js";
import { StoreError } from "./errors.js";

interface InfoRow {
  id: number;
  conversation_id: number;
  message_id: number;
  origin: AttachmentInfo["origin"];
  kind: AttachmentInfo["kind"];
  media_type: string;
  file_name: string;
  byte_size: number;
  width: number | null;
  height: number | null;
  sha256: string;
  alt_text: string | null;
  extracted_text: string | null;
  platform_file_id: string | null;
  source_url: string | null;
  created_at: number;
}

interface DataRow extends InfoRow {
  data: Buffer;
}

const INFO_COLUMNS =
  "id, conversation_id, message_id, origin, kind, media_type, file_name, byte_size, width, height, sha256, alt_text, " +
  "extracted_text, platform_file_id, source_url, created_at";

/** "Image/PNG; charset=x" → "image/png"; undefined for anything that is not type/subtype. */
export function normalMediaType(value: string): string | undefined {
  const type = value.split(";")[0]!.trim().toLowerCase();
  return /^[a-z][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/.test(type) ? type : undefined;
}

/** A name people can read: no path, no control characters, at most 255 characters, never empty. */
export function cleanFileName(value: string): string {
  const base = (value.split(/[/\\]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  const name = [...base].slice(0, 255).join("");
  return name === "" || name === "." || name === ".." ? "attachment" : name;
}

export class AttachmentStore {
  private readonly insert: Statement<unknown[], InfoRow>;
  private readonly byMessage: Statement<[number], InfoRow>;
  private readonly byConversation: Statement<[number], InfoRow>;
  private readonly byId: Statement<[number], DataRow>;
  private readonly byMessages: Statement<[string], DataRow>;

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    // The conversation is the message's own, copied in the same statement: it cannot disagree with the message.
    this.insert = db.prepare(
      "INSERT INTO attachments (conversation_id, message_id, origin, kind, media_type, file_name, byte_size, width, height, " +
        "sha256, data, alt_text, extracted_text, platform_file_id, source_url, created_at) " +
        "SELECT m.conversation_id, m.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM messages m WHERE m.id = ? " +
        `RETURNING ${INFO_COLUMNS}`,
    );
    this.byMessage = db.prepare(`SELECT ${INFO_COLUMNS} FROM attachments WHERE message_id = ? ORDER BY id`);
    this.byConversation = db.prepare(`SELECT ${INFO_COLUMNS} FROM attachments WHERE conversation_id = ? ORDER BY id`);
    this.byId = db.prepare(`SELECT ${INFO_COLUMNS}, data FROM attachments WHERE id = ?`);
    this.byMessages = db.prepare(
      `SELECT ${INFO_COLUMNS}, data FROM attachments WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, id`,
    );
  }

  /** Stores a file of a stored message; the message must exist. */
  add(attachment: NewAttachment): AttachmentInfo {
    const mediaType = normalMediaType(attachment.mediaType);
    if (mediaType === undefined) throw new StoreError(`Attachment media type '${attachment.mediaType}' is not type/subtype.`);
    const data = Buffer.from(attachment.data.buffer, attachment.data.byteOffset, attachment.data.byteLength);
    const sha256 = createHash("sha256").update(data).digest("hex");
    const row = this.insert.get(
      attachment.origin,
      attachment.kind,
      mediaType,
      cleanFileName(attachment.fileName),
      data.byteLength,
      attachment.width ?? null,
      attachment.height ?? null,
      sha256,
      data,
      attachment.altText ?? null,
      attachment.extractedText ?? null,
      attachment.platformFileId ?? null,
      attachment.sourceUrl ?? null,
      this.now(),
      attachment.messageId,
    );
    if (row === undefined) throw new StoreError(`Cannot attach a file to message ${attachment.messageId}: there is no such message.`);
    return toInfo(row);
  }

  listByMessage(messageId: number): AttachmentInfo[] {
    return this.byMessage.all(messageId).map(toInfo);
  }

  listByConversation(conversationId: number): AttachmentInfo[] {
    return this.byConversation.all(conversationId).map(toInfo);
  }

  /** The attachments of these messages with their bytes (a history window's), by message then in the order sent. */
  withDataByMessages(messageIds: readonly number[]): StoredAttachment[] {
    if (messageIds.length === 0) return [];
    return this.byMessages.all(JSON.stringify(messageIds)).map((row) => ({ ...toInfo(row), data: new Uint8Array(row.data) }));
  }

  /** The attachment with its bytes, or undefined (never stored, or forgotten). */
  get(id: number): StoredAttachment | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : { ...toInfo(row), data: new Uint8Array(row.data) };
  }
}

function toInfo(row: InfoRow): AttachmentInfo {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    origin: row.origin,
    kind: row.kind,
    mediaType: row.media_type,
    fileName: row.file_name,
    byteSize: row.byte_size,
    width: row.width ?? undefined,
    height: row.height ?? undefined,
    sha256: row.sha256,
    altText: row.alt_text ?? undefined,
    extractedText: row.extracted_text ?? undefined,
    platformFileId: row.platform_file_id ?? undefined,
    sourceUrl: row.source_url ?? undefined,
    createdAt: row.created_at,
  };
}
