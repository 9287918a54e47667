// What the Discord adapter keeps of an event on arrival: enough to finish it after a restart (see received-entry.ts).

/** An attachment as Discord described it on arrival: downloaded when the event is finished (before its link expires). */
export interface ReceivedDiscordAttachment {
  /** Discord's attachment id. */
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly size: number;
  readonly mediaType?: string;
}

/** A student's message (MESSAGE_CREATE): a follow-up in a conversation's thread, or a mention asking a new question. */
export interface ReceivedDiscordMessage {
  readonly kind: "message";
  readonly decision: "follow_up" | "new_question";
  readonly guildId: string;
  /** Where it was written: the thread (follow-up) or the question channel (new question). */
  readonly channelId: string;
  /** A follow-up's thread parent; null when the thread was not cached yet (learnt, and checked, when finishing). */
  readonly parentId: string | null;
  readonly messageId: string;
  readonly userId: string;
  readonly userName: string;
  /** The question as the agents get it (mentions as @names). */
  readonly text: string;
  /** A new question's thread, once opened on the message. */
  readonly threadId?: string;
  /** Files attached to the message (metadata only: the bytes are fetched when finishing). */
  readonly attachments?: readonly ReceivedDiscordAttachment[];
}

/** `/ask question:` (INTERACTION_CREATE): the question is posted after, a thread opened on it (unless continuing one). */
export interface ReceivedDiscordAsk {
  readonly kind: "ask";
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string;
  /** The question as typed (cleaned), for the post. */
  readonly question: string;
  /** The question as the agents and the thread name get it (mentions as @names). */
  readonly text: string;
  /** Set when /ask was run inside a conversation's thread: that thread's parent (the thread is channelId). */
  readonly continuingParentId?: string;
  /** The message showing the question, once posted. */
  readonly postedMessageId?: string;
  /** The thread opened on that message, once it is. */
  readonly threadId?: string;
  /** The `image` option's file, if one was given. */
  readonly attachments?: readonly ReceivedDiscordAttachment[];
}

export type ReceivedDiscordEvent = ReceivedDiscordMessage | ReceivedDiscordAsk;

const isText = (value: unknown): value is string => typeof value === "string";
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);
const isAttachment = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Record<string, unknown>;
  return [a.id, a.name, a.url].every(isText) && typeof a.size === "number" && isOptionalText(a.mediaType);
};
const areAttachments = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.every(isAttachment));

/** Reads a payload back from the store; undefined for anything this version did not write. */
export function readReceivedDiscordEvent(payload: unknown): ReceivedDiscordEvent | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.kind === "message") {
    const fields = [p.guildId, p.channelId, p.messageId, p.userId, p.userName, p.text];
    const decided = p.decision === "follow_up" || p.decision === "new_question";
    return decided && fields.every(isText) && (p.parentId === null || isText(p.parentId)) && isOptionalText(p.threadId) && areAttachments(p.attachments)
      ? (payload as ReceivedDiscordMessage)
      : undefined;
  }
  if (p.kind === "ask") {
    const fields = [p.guildId, p.channelId, p.userId, p.userName, p.question, p.text];
    const optional = [p.continuingParentId, p.postedMessageId, p.threadId];
    return fields.every(isText) && optional.every(isOptionalText) && areAttachments(p.attachments) ? (payload as ReceivedDiscordAsk) : undefined;
  }
  return undefined;
}
