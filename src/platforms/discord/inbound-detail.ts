// What the Discord adapter keeps with an inbound envelope (its `detail`): enough to finish the event after a restart.

/** An attachment as Discord described it on arrival: downloaded once the event is stored (before its link expires). */
export interface DiscordAttachmentRef {
  /** Discord's attachment id. */
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly size: number;
  readonly mediaType?: string;
}

/** A student's message (MESSAGE_CREATE): a follow-up in a thread, or a mention asking a new question. */
export interface DiscordMessageDetail {
  readonly kind: "message";
  /** follow_up: written in a thread (answered if it is a conversation's); new_question: a thread is opened on it. */
  readonly decision: "follow_up" | "new_question";
  /** Where it was written: the thread (follow-up) or the question channel (new question). */
  readonly channelId: string;
  /** Files attached to the message (metadata only: the bytes are fetched after the event is stored). */
  readonly attachments?: readonly DiscordAttachmentRef[];
}

/** `/ask question:` (INTERACTION_CREATE): the question is posted after, and a thread opened on it unless continuing one. */
export interface DiscordAskDetail {
  readonly kind: "ask";
  /** Where /ask was run: a question channel, or the conversation's thread it continues. */
  readonly channelId: string;
  /** The question as typed (cleaned), for the post; the inbound's text has mentions as @names. */
  readonly question: string;
  /** Run inside a thread: it continues that conversation (the inbound carries the thread). */
  readonly continuing?: boolean;
  /** The `image` option's file, if one was given. */
  readonly attachments?: readonly DiscordAttachmentRef[];
}

export type DiscordDetail = DiscordMessageDetail | DiscordAskDetail;

/** What /ask's opensConversation records between its steps: the message showing the question, once posted. */
export interface AskOpening {
  readonly postedMessageId: string;
}

const isText = (value: unknown): value is string => typeof value === "string";
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);
const isAttachment = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false;
  const a = value as Record<string, unknown>;
  return [a.id, a.name, a.url].every(isText) && typeof a.size === "number" && isOptionalText(a.mediaType);
};
const areAttachments = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.every(isAttachment));

/** Reads a detail back from the store; undefined for anything this version did not write. */
export function readDiscordDetail(detail: unknown): DiscordDetail | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const d = detail as Record<string, unknown>;
  if (d.kind === "message") {
    const decided = d.decision === "follow_up" || d.decision === "new_question";
    return decided && isText(d.channelId) && areAttachments(d.attachments) ? (detail as DiscordMessageDetail) : undefined;
  }
  if (d.kind === "ask") {
    const continuing = d.continuing === undefined || typeof d.continuing === "boolean";
    return isText(d.channelId) && isText(d.question) && continuing && areAttachments(d.attachments) ? (detail as DiscordAskDetail) : undefined;
  }
  return undefined;
}

/** The recorded /ask opening, or undefined when none was recorded (or it is not this version's). */
export function readAskOpening(recorded: unknown): AskOpening | undefined {
  if (typeof recorded !== "object" || recorded === null) return undefined;
  const r = recorded as Record<string, unknown>;
  return isText(r.postedMessageId) ? { postedMessageId: r.postedMessageId } : undefined;
}
