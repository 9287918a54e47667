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
  /** Files shared with the message (subtype file_share; an app_mention carries them too). */
  readonly files?: readonly SlackFileRef[];
}

/** A file object of a message, reduced to what downloading it needs. */
export interface SlackFileRef {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly mediaType?: string;
  /** url_private_download (url_private when absent): fetched with the bot token, which needs files:read. */
  readonly url: string;
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
  const files = readFiles((event as Record<string, unknown>).files);
  return { type, channel, ts, text: field(event, "text") ?? "", ...defined, ...(files.length === 0 ? {} : { files }) };
}

function readFiles(value: unknown): SlackFileRef[] {
  if (!Array.isArray(value)) return [];
  const files: SlackFileRef[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) continue;
    const id = field(item, "id");
    // A file Slack has not made visible yet (file_access "check_file_info"), or one deleted, has no download URL.
    const url = field(item, "url_private_download") ?? field(item, "url_private") ?? "";
    const size = (item as Record<string, unknown>).size;
    if (id === undefined) continue;
    const mediaType = field(item, "mimetype");
    files.push({ id, name: field(item, "name") ?? field(item, "title") ?? id, size: typeof size === "number" ? size : 0, url, ...(mediaType === undefined ? {} : { mediaType }) });
  }
  return files;
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
