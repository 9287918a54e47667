// The few fields the adapter reads from Slack's message and app_mention events, read defensively from untyped JSON.

/** A message or app_mention event, reduced to what deciding and handling need. */
export interface SlackMessageEvent {
  readonly type: string;
  readonly subtype?: string;
  readonly channel: string;
  /** "channel" | "group" | "im" | "mpim"; app_mention events do not carry it. */
  readonly channelType?: string;
  readonly user?: string;
  readonly botId?: string;
  readonly text: string;
  readonly ts: string;
  readonly threadTs?: string;
}

/** Subtypes that are still a person writing: a thread reply also sent to the channel, a message with a file. */
const PERSON_SUBTYPES = new Set(["thread_broadcast", "file_share"]);

function field(value: object, name: string): string | undefined {
  const read = (value as Record<string, unknown>)[name];
  return typeof read === "string" ? read : undefined;
}

/** Reads an event object from the Events API; undefined when it lacks a channel or ts. */
export function readMessageEvent(event: unknown): SlackMessageEvent | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const type = field(event, "type");
  const channel = field(event, "channel");
  const ts = field(event, "ts");
  if (type === undefined || channel === undefined || ts === undefined) return undefined;
  const optional = {
    subtype: field(event, "subtype"),
    channelType: field(event, "channel_type"),
    user: field(event, "user"),
    botId: field(event, "bot_id"),
    threadTs: field(event, "thread_ts"),
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<SlackMessageEvent>;
  return { type, channel, ts, text: field(event, "text") ?? "", ...defined };
}

/**
 * Whether a person wrote this message: bot posts (ours included), edits, deletions, joins and every other
 * subtype are not questions and are ignored.
 */
export function isFromPerson(event: SlackMessageEvent, botUserId: string): boolean {
  if (event.botId !== undefined || event.user === undefined || event.user === botUserId) return false;
  return event.subtype === undefined || PERSON_SUBTYPES.has(event.subtype);
}

/** DM channels' ids start with D; app_mention events carry no channel_type, so the id decides. */
export function isDirectMessage(event: SlackMessageEvent): boolean {
  return event.channelType === "im" || (event.channelType === undefined && event.channel.startsWith("D"));
}
