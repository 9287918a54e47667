// Where Slack's native streaming (chat.startStream) can be used: a thread reply with a known recipient, in a workspace
// and channel type that has not refused it for good. A permanent refusal is remembered, so later replies there go
// straight to the chat.postMessage + chat.update path instead of asking again every time.

import type { Logger } from "pino";
import type { StreamTarget } from "../../bot/ports.js";

/** Refusals about the kind of conversation: the same workspace may stream in its other channel types. */
const CHANNEL_TYPE_REFUSALS = new Set(["method_not_supported_for_channel_type", "channel_type_not_supported"]);

/** Refusals about the app or the workspace: streaming will not work anywhere in it. */
const WORKSPACE_REFUSALS = new Set([
  "not_allowed",
  "unknown_method",
  "method_deprecated",
  "deprecated_endpoint",
  "missing_scope",
  "not_allowed_token_type",
  "feature_not_enabled",
  "enterprise_is_restricted",
  "access_denied",
  "no_permission",
]);

/** Where a reply goes: a DM conversation keyed by its channel posts at the top level, anything else in its thread. */
export function threadTsOf(ref: { channel: string; thread: string }): string | undefined {
  return ref.thread === ref.channel ? undefined : ref.thread;
}

/** C: public channel, G: private channel or group DM, D: DM (Slack's id prefixes). */
export function channelTypeOf(channel: string): string {
  return channel.charAt(0).toUpperCase();
}

export class SlackStreamSupport {
  readonly #refusedWorkspaces = new Set<string>();
  readonly #refusedChannelTypes = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Whether a reply in `target` may try chat.startStream (the thread, its recipient, no remembered refusal). */
  allows(target: StreamTarget, threadTs: string | undefined): boolean {
    if (threadTs === undefined) return false;
    const inDm = channelTypeOf(target.channel) === "D";
    if (!inDm && (target.recipientUserId === undefined || target.recipientUserId === "" || target.workspace === "")) return false;
    if (this.#refusedWorkspaces.has(target.workspace)) return false;
    return !this.#refusedChannelTypes.has(`${target.workspace}/${channelTypeOf(target.channel)}`);
  }

  /** chat.startStream answered `slackError`: remembers it when it will not change. True when it was permanent. */
  learnRefusal(target: StreamTarget, slackError: string | undefined): boolean {
    if (slackError === undefined) return false;
    if (CHANNEL_TYPE_REFUSALS.has(slackError)) {
      const key = `${target.workspace}/${channelTypeOf(target.channel)}`;
      if (!this.#refusedChannelTypes.has(key)) this.logger.info({ slackError, workspace: target.workspace, channelType: channelTypeOf(target.channel) }, "slack: streaming is not available in this kind of channel; its replies grow by chat.update instead");
      this.#refusedChannelTypes.add(key);
      return true;
    }
    if (WORKSPACE_REFUSALS.has(slackError)) {
      if (!this.#refusedWorkspaces.has(target.workspace)) this.logger.info({ slackError, workspace: target.workspace }, "slack: chat.startStream is refused in this workspace; replies grow by chat.update instead");
      this.#refusedWorkspaces.add(target.workspace);
      return true;
    }
    return false;
  }
}
