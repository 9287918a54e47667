// The fake Slack workspace's state: team, bot, scopes, users, channels, and everything posted to it.

import { FakeSlackUploads } from "./external-uploads.js";

export interface FakeSlackUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  readonly isAdmin?: boolean;
  readonly isOwner?: boolean;
  readonly isPrimaryOwner?: boolean;
  readonly isBot?: boolean;
}

export interface FakeSlackMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  text: string;
  readonly user: string;
  /** The posting app's bot id; absent for a person's message. */
  readonly botId?: string;
  readonly username?: string;
  readonly iconEmoji?: string;
  readonly iconUrl?: string;
  /** The message's metadata, as posted (or as the last chat.update with `metadata` set it). */
  metadata?: unknown;
  /** Block Kit blocks, as posted (or as the last chat.update set them). */
  blocks?: unknown[] | undefined;
  /** Earlier texts, oldest first, when chat.update changed the message. */
  readonly edits: string[];
  /** A chat.startStream message: its state, the recipient it streams to, and each call's markdown_text in order. */
  stream?: FakeStreamState;
}

export interface FakeStreamState {
  /** "streaming" until chat.stopStream (or the platform expires it): then appends and stops are refused. */
  state: "streaming" | "stopped";
  readonly recipient?: { readonly userId: string; readonly teamId: string };
  /** The markdown_text of chat.startStream, every chat.appendStream and chat.stopStream, in order. */
  readonly chunks: string[];
}

export interface FakeEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs?: string;
  readonly messageTs: string;
}

export interface FakeStatus {
  readonly channel: string;
  readonly threadTs: string;
  readonly status: string;
  /** Who the status was shown under (chat:write.customize): the agent's name and icon, or absent for the app's own. */
  readonly username?: string;
  readonly iconEmoji?: string;
  readonly iconUrl?: string;
}

export interface FakeChannel {
  /** False: chat.postMessage answers not_in_channel. */
  readonly member: boolean;
  /** False: every call naming it answers channel_not_found. */
  readonly exists: boolean;
  /** conversations.info's name; default the id in lower case. */
  readonly name?: string;
  /** A private channel (default: ids starting with G): invisible to a bot that is not a member, read with groups:read. */
  readonly private?: boolean;
  /** conversations.info's is_archived (posting answers is_archived). */
  readonly archived?: boolean;
}

export interface FakeSlackIdentity {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly teamName: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botName: string;
}

/** The scopes a fully configured Baton app has (slack/manifest.yml). */
export const FULL_SCOPES: readonly string[] = [
  "app_mentions:read",
  "channels:history",
  "chat:write",
  "channels:read",
  "chat:write.customize",
  "commands",
  "files:read",
  "files:write",
  "groups:history",
  "groups:read",
  "im:history",
  "im:write",
  "mpim:history",
  "users:read",
];

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;

export class FakeWorld {
  readonly identity: FakeSlackIdentity;
  scopes: string[];
  readonly users = new Map<string, FakeSlackUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages: FakeSlackMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly statuses: FakeStatus[] = [];
  /** Files the app uploaded with getUploadURLExternal / completeUploadExternal. */
  readonly uploads = new FakeSlackUploads();
  #lastTs = 0;

  constructor(identity: FakeSlackIdentity, scopes: readonly string[]) {
    this.identity = identity;
    this.scopes = [...scopes];
  }

  /** A channel's state; any well-formed id exists and has the bot as a member unless configured otherwise. */
  channel(id: string): FakeChannel {
    const configured = this.channels.get(id);
    if (configured !== undefined) return configured;
    return CHANNEL_ID.test(id) ? { member: true, exists: true } : { member: false, exists: false };
  }

  /** Slack-style ts values, strictly increasing ("1700000000.000100"). */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.#lastTs + 1);
    this.#lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }

  findMessage(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts);
  }

  /** Messages of a thread (replies only, oldest first). */
  threadReplies(channel: string, threadTs: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.channel === channel && message.threadTs === threadTs);
  }
}
