// The `baton_reply` metadata every reply message carries (which stored reply, which part), and bringing a streamed
// reply's messages to it once the reply's outbox id is known: a stream's first words go out before the commit.

import type { OutboundReply } from "../../bot/ports.js";
import { REPLY_EVENT_TYPE } from "./posted-reply-lookup.js";

type Reply = Pick<OutboundReply, "replyId" | "conversationId" | "agent">;

export interface ReplyMetadata {
  readonly event_type: string;
  readonly event_payload: { reply_id: number; conversation_id: number; agent: string; part: number; parts: number };
}

/** Lets anyone reading the thread through the API tell which stored reply (and which part) a message is. */
export function replyMetadata(reply: Reply, position: { part: number; parts: number }): ReplyMetadata {
  return {
    event_type: REPLY_EVENT_TYPE,
    event_payload: { reply_id: reply.replyId, conversation_id: reply.conversationId, agent: reply.agent.name, part: position.part + 1, parts: position.parts },
  };
}

/**
 * A streamed reply's metadata: unknown (reply_id 0) until the stream is finished with its outbox id and its final
 * pieces are rendered; from then on every update carries it, and the messages the final pass did not touch are
 * updated with it after (`unstamped`).
 */
export class StreamMetadata {
  #replyId: number | undefined;
  #parts: number | undefined;
  readonly #stamped = new Set<string>();

  constructor(private readonly reply: Reply) {}

  /** The stream's reply is outbox row `replyId`. */
  commit(replyId: number | undefined): void {
    if (replyId !== undefined && replyId > 0) this.#replyId = replyId;
  }

  /** The final text is split into `parts` messages. */
  finalParts(parts: number): void {
    this.#parts = parts;
  }

  /** The reply id a new message is posted with (0 while unknown). */
  get replyId(): number {
    return this.#replyId ?? 0;
  }

  /** The metadata for message `ts` at `part`, when it is known (and marks the message as carrying it). */
  stamp(ts: string | undefined, part: number): { metadata?: ReplyMetadata } {
    if (this.#replyId === undefined || this.#parts === undefined) return {};
    if (ts !== undefined) this.#stamped.add(ts);
    return { metadata: replyMetadata({ ...this.reply, replyId: this.#replyId }, { part, parts: this.#parts }) };
  }

  /** Known metadata whose parts count is final: a new piece's position. */
  position(part: number): { part: number; parts: number } {
    return { part, parts: this.#parts ?? part + 1 };
  }

  /** The messages among `ids` still without the known metadata (none while it is unknown). */
  unstamped(ids: readonly string[]): Array<{ ts: string; part: number }> {
    if (this.#replyId === undefined || this.#parts === undefined) return [];
    return ids.flatMap((ts, part) => (this.#stamped.has(ts) ? [] : [{ ts, part }]));
  }
}
