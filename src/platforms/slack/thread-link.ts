// Slack thread permalinks: parse the ones a moderator pastes, and build them for the conversation list.

/** Which workspace a link belongs to: its subdomain (`school.slack.com`), or its team id (the web client's address). */
export type LinkWorkspace = { readonly domain: string } | { readonly teamId: string };

/** Where a pasted link points: the channel, and the thread's root message (or none for a whole DM). */
export interface ThreadLocation {
  /** Undefined when the host is not Slack's (then the link says nothing about its workspace). */
  readonly workspace?: LinkWorkspace;
  readonly channel: string;
  /** The root message's ts; undefined when the link names only a channel (a DM conversation). */
  readonly threadTs?: string;
}

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;
const TEAM_ID = /^[TE][A-Z0-9]{2,}$/;

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
    const domain = workspaceDomain(url.hostname);
    const workspace = domain === undefined ? {} : { workspace: { domain } };
    const messagePart = parts[archives + 2];
    if (messagePart === undefined) return { ...workspace, channel };
    const messageTs = tsFromPermalinkPart(messagePart);
    if (messageTs === undefined) return undefined;
    return { ...workspace, channel, threadTs: validTs(url.searchParams.get("thread_ts")) ?? messageTs };
  }

  const client = parts.indexOf("client");
  if (client >= 0) {
    const teamId = parts[client + 1] ?? "";
    const channel = parts[client + 2] ?? "";
    if (!CHANNEL_ID.test(channel)) return undefined;
    const workspace = TEAM_ID.test(teamId) && url.hostname.toLowerCase() === "app.slack.com" ? { workspace: { teamId } } : {};
    if (parts[client + 3] !== "thread") return { ...workspace, channel };
    const threadPart = parts[client + 4] ?? "";
    const threadTs = validTs(threadPart.slice(threadPart.indexOf("-") + 1));
    return threadTs === undefined ? undefined : { ...workspace, channel, threadTs };
  }
  return undefined;
}

/** "school.slack.com" and "school.enterprise.slack.com" → "school"; any other host → undefined. */
function workspaceDomain(hostname: string): string | undefined {
  const labels = hostname.toLowerCase().split(".");
  if (labels.length < 3 || labels.at(-1) !== "com" || labels.at(-2) !== "slack") return undefined;
  const domain = labels[0]!;
  if (domain === "app" || domain === "") return undefined;
  return labels.length === 3 || (labels.length === 4 && labels[1] === "enterprise") ? domain : undefined;
}

/** Whether a link belongs to the workspace a command came from (its team id and subdomain). */
export function isLinkOfWorkspace(location: ThreadLocation, team: { readonly teamId: string; readonly teamDomain: string }): boolean {
  const workspace = location.workspace;
  if (workspace === undefined) return false;
  return "teamId" in workspace ? workspace.teamId === team.teamId : workspace.domain === team.teamDomain.toLowerCase();
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
