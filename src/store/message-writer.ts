// Appends one message: takes the conversation's next seq and inserts the row. Callers wrap it in a transaction.

import type { Database, Statement } from "better-sqlite3";
import { StoreError } from "./errors.js";
import { estimateTokens } from "./row-mapping.js";
import type { NewMessage, StoredMessage } from "./types.js";

type MessageValues = [number, number, string, ...(string | number | null)[]];

export class MessageWriter {
  private readonly nextSeq: Statement<[number], number>;
  private readonly touch: Statement<[number, number, number]>;
  private readonly insertMessage: Statement<MessageValues>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    // A counter on the conversation row rather than MAX(seq)+1, so a seq is never reused after messages are forgotten.
    // updated_at is the student's last activity: only a user message moves it. Moving it on every agent message too
    // rewrote both updated_at indexes several times a turn — the largest share of a turn's disk writes.
    this.nextSeq = db
      .prepare<[number], number>("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq")
      .pluck();
    this.touch = db.prepare("UPDATE conversations SET updated_at = ? WHERE id = ? AND updated_at <> ?");
    this.insertMessage = db.prepare(
      `INSERT INTO messages (conversation_id, seq, role, author_agent, user_id, user_name, text, tool_calls, tool_call_id,
         prompt_tokens, completion_tokens, token_estimate, platform_message_id, turn_status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** `opensTurn` marks a user message as a turn in status 'pending'. Must run inside a write transaction. */
  append(conversationId: number, message: NewMessage, opensTurn: boolean): StoredMessage {
    const at = this.now();
    const seq = this.nextSeq.get(conversationId);
    if (seq === undefined) throw new StoreError(`Conversation ${conversationId} does not exist (purged or forgotten?).`);
    if (message.role === "user") this.touch.run(at, conversationId, at);
    const toolCalls = message.toolCalls === undefined || message.toolCalls.length === 0 ? undefined : message.toolCalls;
    const toolCallsJson = toolCalls === undefined ? null : JSON.stringify(toolCalls);
    const tokenEstimate = estimateTokens(message.text, toolCallsJson) + (message.extraTokens ?? 0);
    const turnStatus = opensTurn ? "pending" : undefined;
    const usage = message.usage;
    const result = this.insertMessage.run(
      conversationId,
      seq,
      message.role,
      message.authorAgent ?? null,
      message.userId ?? null,
      message.userName ?? null,
      message.text,
      toolCallsJson,
      message.toolCallId ?? null,
      usage?.promptTokens ?? null,
      usage?.completionTokens ?? null,
      tokenEstimate,
      message.platformMessageId ?? null,
      turnStatus ?? null,
      at,
    );
    return {
      id: Number(result.lastInsertRowid),
      conversationId,
      seq,
      role: message.role,
      authorAgent: message.authorAgent,
      userId: message.userId,
      userName: message.userName,
      text: message.text,
      toolCalls,
      toolCallId: message.toolCallId,
      // The shape a later read gives back: only prompt and completion tokens are stored.
      usage:
        usage === undefined
          ? undefined
          : {
              promptTokens: usage.promptTokens,
              completionTokens: usage.completionTokens,
              totalTokens: usage.promptTokens + usage.completionTokens,
            },
      tokenEstimate,
      platformMessageId: message.platformMessageId,
      turnStatus,
      turnAttempts: 0,
      errorCode: undefined,
      createdAt: at,
    };
  }
}
