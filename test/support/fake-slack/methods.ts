// The fake Slack's Web API methods: validation and answers shaped like the real API's, acting on a FakeWorld.

import { blocksProblems, slackFileIds } from "./blocks.js";
import { completeUploadExternal, getUploadURLExternal } from "./external-uploads.js";
import type { FakeSlackMessage, FakeWorld } from "./world.js";

export type Params = Readonly<Record<string, unknown>>;
export type SlackAnswer = { readonly ok: boolean; readonly [key: string]: unknown };
export type MethodHandler = (params: Params, world: FakeWorld, options: MethodOptions) => SlackAnswer;

export interface MethodOptions {
  /** What chat.postMessage does with username/icon_* when chat:write.customize is missing. */
  readonly customizeWithoutScope: "ignore" | "missing_scope";
  /** The ws:// URL apps.connections.open hands out. */
  readonly socketModeUrl: string;
  /** Where getUploadURLExternal's upload URLs point (a file id is appended). */
  readonly uploadBaseUrl: string;
}

export const MAX_TEXT = 40_000;

export const fail = (error: string, extra: Record<string, unknown> = {}): SlackAnswer => ({ ok: false, error, ...extra });

export function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Form bodies carry objects as JSON strings; JSON bodies carry them as they are. */
export function json(params: Params, name: string): { value?: unknown; invalid: boolean } {
  const raw = params[name];
  if (raw === undefined || raw === "") return { invalid: false };
  if (typeof raw !== "string") return { value: raw, invalid: false };
  try {
    return { value: JSON.parse(raw) as unknown, invalid: false };
  } catch {
    return { invalid: true };
  }
}

export function missingScope(world: FakeWorld, needed: string): SlackAnswer | undefined {
  if (world.scopes.includes(needed)) return undefined;
  return fail("missing_scope", { needed, provided: world.scopes.join(",") });
}

export function channelProblem(world: FakeWorld, channel: string | undefined, forPosting: boolean): SlackAnswer | undefined {
  if (channel === undefined || channel === "") return fail("channel_not_found");
  const state = world.channel(channel);
  if (!state.exists) return fail("channel_not_found");
  if (forPosting && !state.member) return fail("not_in_channel");
  if (forPosting && state.archived === true) return fail("is_archived");
  return undefined;
}

/** Slack's markdown_text: standard Markdown, at most 12,000 characters, never together with `text` or `blocks`. */
export const MAX_MARKDOWN_TEXT = 12_000;

function contentProblem(params: Params, world: FakeWorld): SlackAnswer | undefined {
  const markdown = text(params, "markdown_text");
  if (markdown !== undefined) {
    if (text(params, "text") !== undefined || params.blocks !== undefined) return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] markdown_text cannot be used with text or blocks"] } });
    if (markdown.trim() === "") return fail("no_text");
    if (markdown.length > MAX_MARKDOWN_TEXT) return fail("msg_too_long");
    return undefined;
  }
  const body = text(params, "text");
  const blocks = json(params, "blocks");
  const problem = blocksProblem(params, world);
  if (problem !== undefined) return problem;
  const hasBlocks = Array.isArray(blocks.value) && blocks.value.length > 0;
  if ((body === undefined || body.trim() === "") && !hasBlocks) return fail("no_text");
  if (body !== undefined && body.length > MAX_TEXT) return fail("msg_too_long");
  return undefined;
}

/** The `blocks` Slack would refuse: malformed, invalid Block Kit, or an image of a file not (yet) usable. */
export function blocksProblem(params: Params, world: FakeWorld): SlackAnswer | undefined {
  const blocks = json(params, "blocks");
  if (blocks.invalid) return fail("invalid_blocks_format");
  if (blocks.value !== undefined) {
    const problems = blocksProblems(blocks.value);
    if (problems.length > 0) return fail("invalid_blocks", { response_metadata: { messages: problems } });
    // An image's slack_file must be a completed upload, and Slack may need a moment before one is usable.
    const files = slackFileIds(blocks.value).flatMap(({ id, index }) => {
      const problem = world.uploads.blockProblem(id);
      return problem === undefined ? [] : [`[ERROR] ${problem} [json-pointer:/blocks/${index}/slack_file]`];
    });
    if (files.length > 0) return fail("invalid_blocks", { response_metadata: { messages: files } });
  }
  return undefined;
}

/** Slack returns a message's metadata from conversations.* reads only when asked with include_all_metadata. */
function withoutMetadata(json: Record<string, unknown>): Record<string, unknown> {
  const { metadata: _metadata, ...rest } = json;
  return rest;
}

export function messageJson(message: FakeSlackMessage): Record<string, unknown> {
  return {
    type: "message",
    text: message.text,
    user: message.user,
    ...(message.botId === undefined ? {} : { bot_id: message.botId }),
    ts: message.ts,
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(message.username === undefined ? {} : { username: message.username }),
    ...(message.iconEmoji === undefined && message.iconUrl === undefined
      ? {}
      : { icons: { ...(message.iconEmoji ? { emoji: message.iconEmoji } : {}), ...(message.iconUrl ? { image_48: message.iconUrl } : {}) } }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
  };
}

/** The message's username and icon, as a post asked for them; without chat:write.customize, dropped (or refused). */
export function authorshipOf(params: Params, world: FakeWorld, options: MethodOptions): { username?: string; iconEmoji?: string; iconUrl?: string } | SlackAnswer {
  const authorship = { username: text(params, "username"), iconEmoji: text(params, "icon_emoji"), iconUrl: text(params, "icon_url") };
  const customizes = Object.values(authorship).some((value) => value !== undefined);
  if (!customizes || world.scopes.includes("chat:write.customize")) return authorship;
  // The real API quietly posts under the app's own name; the stricter switch answers missing_scope instead.
  if (options.customizeWithoutScope === "missing_scope") return fail("missing_scope", { needed: "chat:write.customize", provided: world.scopes.join(",") });
  return {};
}

const postMessage: MethodHandler = (params, world, options) => {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, true) ?? contentProblem(params, world);
  if (problem !== undefined) return problem;
  const threadTs = text(params, "thread_ts");
  if (threadTs !== undefined && threadTs !== "" && !/^\d+\.\d+$/.test(threadTs)) return fail("invalid_thread_ts");
  const metadata = json(params, "metadata");
  if (metadata.invalid) return fail("invalid_metadata_format");
  const authorship = authorshipOf(params, world, options);
  if ("ok" in authorship) return authorship;
  const message: FakeSlackMessage = {
    channel: channel ?? "",
    ts: world.nextTs(),
    ...(threadTs === undefined || threadTs === "" ? {} : { threadTs }),
    text: text(params, "markdown_text") ?? text(params, "text") ?? "",
    user: world.identity.botUserId,
    botId: world.identity.botId,
    ...(authorship.username === undefined ? {} : { username: authorship.username }),
    ...(authorship.iconEmoji === undefined ? {} : { iconEmoji: authorship.iconEmoji }),
    ...(authorship.iconUrl === undefined ? {} : { iconUrl: authorship.iconUrl }),
    ...(metadata.value === undefined ? {} : { metadata: metadata.value }),
    ...(Array.isArray(json(params, "blocks").value) ? { blocks: json(params, "blocks").value as unknown[] } : {}),
    edits: [],
  };
  world.messages.push(message);
  return { ok: true, channel: message.channel, ts: message.ts, message: messageJson(message) };
};

const update: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const message = world.findMessage(channel ?? "", text(params, "ts") ?? "");
  if (message === undefined) return fail("message_not_found");
  if (message.user !== world.identity.botUserId) return fail("cant_update_message");
  const content = contentProblem(params, world);
  if (content !== undefined) return content;
  const metadata = json(params, "metadata");
  if (metadata.invalid) return fail("invalid_metadata_format");
  message.edits.push(message.text);
  // chat.update's `metadata` replaces the message's (message_metadata_updated); without it the message keeps its own.
  if (metadata.value !== undefined) message.metadata = metadata.value;
  message.text = text(params, "markdown_text") ?? text(params, "text") ?? "";
  // Without blocks the message keeps its earlier ones; an empty array removes them.
  const blocks = json(params, "blocks").value;
  if (Array.isArray(blocks)) message.blocks = blocks.length === 0 ? undefined : blocks;
  return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: messageJson(message) };
};

/** chat.delete: only the app's own messages (cant_delete_message otherwise), as a bot token may. */
const deleteMessage: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const message = world.findMessage(channel ?? "", text(params, "ts") ?? "");
  if (message === undefined) return fail("message_not_found");
  if (message.user !== world.identity.botUserId) return fail("cant_delete_message");
  world.messages.splice(world.messages.indexOf(message), 1);
  return { ok: true, channel: message.channel, ts: message.ts };
};

/** The message's web link; a thread reply's carries thread_ts and cid, as Slack's does. No scope is needed. */
const getPermalink: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const message = world.findMessage(channel ?? "", text(params, "message_ts") ?? "");
  if (message === undefined) return fail("message_not_found");
  const base = `https://${world.identity.teamDomain}.slack.com/archives/${message.channel}/p${message.ts.replace(".", "")}`;
  const inThread = message.threadTs !== undefined && message.threadTs !== message.ts;
  return { ok: true, channel: message.channel, permalink: inThread ? `${base}?thread_ts=${message.threadTs}&cid=${message.channel}` : base };
};

const postEphemeral: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = missingScope(world, "chat:write") ?? channelProblem(world, channel, true) ?? contentProblem(params, world);
  if (problem !== undefined) return problem;
  const user = text(params, "user");
  if (user === undefined || !world.users.has(user)) return fail("user_not_in_channel");
  const messageTs = world.nextTs();
  const threadTs = text(params, "thread_ts");
  world.ephemerals.push({ channel: channel ?? "", user, text: text(params, "text") ?? "", messageTs, ...(threadTs ? { threadTs } : {}) });
  return { ok: true, message_ts: messageTs };
};

const usersInfo: MethodHandler = (params, world) => {
  const problem = missingScope(world, "users:read");
  if (problem !== undefined) return problem;
  const user = world.users.get(text(params, "user") ?? "");
  if (user === undefined) return fail("user_not_found");
  return {
    ok: true,
    user: {
      id: user.id,
      team_id: world.identity.teamId,
      name: user.name,
      real_name: user.realName ?? user.name,
      is_admin: user.isAdmin ?? false,
      is_owner: user.isOwner ?? false,
      is_primary_owner: user.isPrimaryOwner ?? false,
      is_bot: user.isBot ?? false,
      profile: { real_name: user.realName ?? user.name, display_name: user.displayName ?? "" },
    },
  };
};

const conversationsReplies: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const ts = text(params, "ts");
  if (ts === undefined) return fail("thread_not_found");
  const root = world.findMessage(channel ?? "", ts);
  const replies = world.threadReplies(channel ?? "", ts);
  if (root === undefined && replies.length === 0) return fail("thread_not_found");
  const withMetadata = text(params, "include_all_metadata") === "true";
  const limit = Math.min(Math.max(Number(text(params, "limit") ?? 1000), 1), 1000);
  const all = [...(root ? [root] : []), ...replies].map(messageJson).map((m) => (withMetadata ? m : withoutMetadata(m)));
  return { ok: true, has_more: all.length > limit, messages: all.slice(0, limit) };
};

/** Top-level messages of a channel, newest first (thread replies stay in their threads). */
const conversationsHistory: MethodHandler = (params, world) => {
  const channel = text(params, "channel");
  const problem = channelProblem(world, channel, false);
  if (problem !== undefined) return problem;
  const needed = (channel ?? "").startsWith("D") ? "im:history" : (channel ?? "").startsWith("G") ? "groups:history" : "channels:history";
  const scope = missingScope(world, needed);
  if (scope !== undefined) return scope;
  const withMetadata = text(params, "include_all_metadata") === "true";
  const limit = Math.min(Math.max(Number(text(params, "limit") ?? 100), 1), 999);
  const top = world.messages.filter((m) => m.channel === channel && (m.threadTs === undefined || m.threadTs === m.ts)).reverse();
  const messages = top.slice(0, limit).map(messageJson).map((m) => (withMetadata ? m : withoutMetadata(m)));
  return { ok: true, has_more: top.length > limit, messages };
};

/** assistant.threads.setStatus's string arguments: anything else in them (an object, a list) is invalid_arguments. */
const STATUS_STRINGS = ["channel_id", "thread_ts", "status", "username", "icon_emoji", "icon_url"] as const;

const setStatus: MethodHandler = (params, world, options) => {
  const problem = missingScope(world, "chat:write");
  if (problem !== undefined) return problem;
  if (STATUS_STRINGS.some((name) => params[name] !== undefined && text(params, name) === undefined)) return fail("invalid_arguments");
  const channel = text(params, "channel_id");
  const threadTs = text(params, "thread_ts");
  const status = text(params, "status");
  if (channel === undefined || threadTs === undefined || status === undefined) return fail("invalid_arguments");
  const channelState = channelProblem(world, channel, false);
  if (channelState !== undefined) return channelState;
  // The agent's name and icon, as for a message: without chat:write.customize, dropped (or refused).
  const authorship = authorshipOf(params, world, options);
  if ("ok" in authorship) return authorship;
  world.statuses.push({
    channel,
    threadTs,
    status,
    ...(authorship.username === undefined ? {} : { username: authorship.username }),
    ...(authorship.iconEmoji === undefined ? {} : { iconEmoji: authorship.iconEmoji }),
    ...(authorship.iconUrl === undefined ? {} : { iconUrl: authorship.iconUrl }),
  });
  return { ok: true };
};

const authTest: MethodHandler = (_params, world) => ({
  ok: true,
  url: `https://${world.identity.teamDomain}.slack.com/`,
  team: world.identity.teamName,
  user: world.identity.botName,
  team_id: world.identity.teamId,
  user_id: world.identity.botUserId,
  bot_id: world.identity.botId,
  is_enterprise_install: false,
});

const connectionsOpen: MethodHandler = (_params, _world, options) => ({ ok: true, url: options.socketModeUrl });

/**
 * conversations.info as Slack documents it: channels:read for a public channel, groups:read for a private one; a
 * private channel the bot is not in does not exist for it (channel_not_found); a public one reports is_member false.
 */
/**
 * conversations.open with `users` (a bot token needs im:write for a 1:1 DM): one user opens (or resumes) the DM with
 * the bot, whose id is stable per user; the errors are Slack's (users_list_not_supplied, user_not_found,
 * too_many_users past 8). Group DMs (several users) are not needed by Baton and answer method_not_supported_for_channel_type.
 */
const conversationsOpen: MethodHandler = (params, world) => {
  const scope = missingScope(world, "im:write");
  if (scope !== undefined) return scope;
  const users = (text(params, "users") ?? "").split(",").map((id) => id.trim()).filter((id) => id !== "");
  if (users.length === 0 && text(params, "channel") === undefined) return fail("users_list_not_supplied");
  if (users.length > 8) return fail("too_many_users");
  if (users.some((id) => !world.users.has(id))) return fail("user_not_found");
  if (users.length !== 1) return fail("method_not_supported_for_channel_type");
  const id = `D${users[0]!.slice(1)}`;
  return { ok: true, channel: { id } };
};

const conversationsInfo: MethodHandler = (params, world) => {
  const id = text(params, "channel");
  if (id === undefined || id === "") return fail("channel_not_found");
  const state = world.channel(id);
  const isPrivate = state.private ?? id.startsWith("G");
  if (id.startsWith("D")) {
    const scope = missingScope(world, "im:read");
    if (scope !== undefined) return scope;
  } else {
    const scope = missingScope(world, isPrivate ? "groups:read" : "channels:read");
    if (scope !== undefined) return scope;
  }
  if (!state.exists || (isPrivate && !state.member)) return fail("channel_not_found");
  return {
    ok: true,
    channel: {
      id,
      name: state.name ?? id.toLowerCase(),
      is_channel: !isPrivate && !id.startsWith("D"),
      is_group: false,
      is_im: id.startsWith("D"),
      is_mpim: false,
      is_private: isPrivate,
      is_archived: state.archived ?? false,
      is_general: false,
      is_member: state.member,
      created: 1_700_000_000,
      creator: "U0CREATOR",
    },
  };
};

/** Methods called with the bot token. */
export const BOT_METHODS: Readonly<Record<string, MethodHandler>> = {
  "auth.test": authTest,
  "chat.postMessage": postMessage,
  "chat.update": update,
  "chat.delete": deleteMessage,
  "chat.getPermalink": getPermalink,
  "chat.postEphemeral": postEphemeral,
  "users.info": usersInfo,
  "conversations.replies": conversationsReplies,
  "conversations.history": conversationsHistory,
  "conversations.info": conversationsInfo,
  "conversations.open": conversationsOpen,
  "assistant.threads.setStatus": setStatus,
  "files.getUploadURLExternal": getUploadURLExternal,
  "files.completeUploadExternal": completeUploadExternal,
};

/** Methods called with the app-level token (xapp-…). */
export const APP_METHODS: Readonly<Record<string, MethodHandler>> = {
  "apps.connections.open": connectionsOpen,
};
