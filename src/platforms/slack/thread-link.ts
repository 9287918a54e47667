// Slack thread permalinks: parse the ones a moderator pastes, and build them for the conversation list.

/** Where a pasted link points: the channel, and the thread's root message (or none for a whole DM). */
export interface ThreadLocation {
  readonly channel: string;
  /** The root message's ts; undefined when the link names only a channel (a DM conversation). */
  readonly threadTs?: string;
}

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;

/** "p1700000000123456" → "1700000000.123456" (Slack drops the dot and keeps six digits of microseconds). */
function tsFromPermalinkPart(part: string): string | undefined {
  const match = /^p(\d{7,})$/.exec(part);
  if (!match) return undefined;
  const digits = match[1] ?? "";
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

function validTs(ts: string | null | undefined): string | undefined {
  return ts !== null && ts !== undefined && /^\d+\.\d{6}$/.test(ts) ? ts : undefined;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * Reads a thread link in any of the forms Slack hands out: a message permalink
 * (`https://team.slack.com/archives/C123/p1700000000123456`, with `?thread_ts=…` when it points at a reply),
 * a channel link (`…/archives/D123`), or the web client's address (`https://app.slack.com/client/T1/C123/thread/C123-1700000000.123456`).
 * Slash-command text may wrap it in `<…>` or `<…|label>`.
 */
export function parseThreadLink(text: string): ThreadLocation | undefined {
  const raw = text.trim().replace(/^<([^|>]+)(?:\|[^>]*)?>$/, "$1").replace(/&amp;/g, "&");
  const url = parseUrl(raw);
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) return undefined;
  const parts = url.pathname.split("/").filter((part) => part !== "");

  const archives = parts.indexOf("archives");
  if (archives >= 0) {
    const channel = parts[archives + 1] ?? "";
    if (!CHANNEL_ID.test(channel)) return undefined;
    const messagePart = parts[archives + 2];
    if (messagePart === undefined) return { channel };
    const messageTs = tsFromPermalinkPart(messagePart);
    if (messageTs === undefined) return undefined;
    return { channel, threadTs: validTs(url.searchParams.get("thread_ts")) ?? messageTs };
  }

  const client = parts.indexOf("client");
  if (client >= 0) {
    const channel = parts[client + 2] ?? "";
    if (!CHANNEL_ID.test(channel)) return undefined;
    if (parts[client + 3] !== "thread") return { channel };
    const threadPart = parts[client + 4] ?? "";
    const threadTs = validTs(threadPart.slice(threadPart.indexOf("-") + 1));
    return threadTs === undefined ? undefined : { channel, threadTs };
  }
  return undefined;
}

/**
 * A permalink to a thread's root message, or to the channel when the conversation is a whole DM
 * (thread === channel). `teamDomain` is the workspace's subdomain, as slash commands report it.
 */
export function buildThreadLink(options: { teamDomain: string; channel: string; thread: string }): string {
  const base = `https://${options.teamDomain}.slack.com/archives/${options.channel}`;
  if (options.thread === options.channel) return base;
  return `${base}/p${options.thread.replace(".", "")}`;
}
