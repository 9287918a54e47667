// The Slack PlatformPort: posts each reply in its thread under the agent's name, as mrkdwn, split when long.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort, PostedReply } from "../../bot/ports.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import type { SlackAlertPoster } from "./alert-poster.js";
import { AgentIdentityMode, authorshipOf, CUSTOMIZE_SCOPE, namePrefix } from "./agent-identity.js";
import { neededScopeOf, slackErrorOf, toDeliveryError, toSlackAdapterError } from "./errors.js";
import { markdownToMrkdwn } from "./mrkdwn.js";
import { findPostedParts, REPLY_EVENT_TYPE } from "./posted-reply-lookup.js";
import { DEFAULT_MESSAGE_LIMIT, splitMessage } from "./split-message.js";
import type { ThreadStatusIndicator } from "./thread-status.js";

export const SLACK_PLATFORM = "slack";

export interface ReplyPosterOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly identity: AgentIdentityMode;
  readonly status?: ThreadStatusIndicator;
  /** Longest message posted; longer replies are split. Default 3,500. */
  readonly messageLimit?: number;
  /** Where safety alerts go (SLACK_ALERT_CHANNEL); without it the port posts none. */
  readonly alerts?: SlackAlertPoster;
}

/** What the later parts of a withheld answer become (the first one carries the notice). */
export const WITHHELD_PART = "_(withheld)_";

/** Where a reply goes: a DM conversation keyed by its channel posts at the top level, anything else in its thread. */
export function threadTsOf(ref: { channel: string; thread: string }): string | undefined {
  return ref.thread === ref.channel ? undefined : ref.thread;
}

/** Posted parts of replies whose delivery failed part-way, so a retry does not post them twice. */
const MAX_REMEMBERED_PARTIAL = 500;

export class SlackReplyPoster implements PlatformPort {
  readonly platform = SLACK_PLATFORM;
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #identity: AgentIdentityMode;
  readonly #status: ThreadStatusIndicator | undefined;
  readonly #limit: number;
  readonly #partial = new Map<number, string[]>();
  readonly postAlert?: (alert: SafetyAlert) => Promise<void>;

  constructor(options: ReplyPosterOptions) {
    const { alerts } = options;
    if (alerts !== undefined) this.postAlert = (alert) => alerts.post(alert);
    this.#client = options.client;
    this.#logger = options.logger;
    this.#identity = options.identity;
    this.#status = options.status;
    this.#limit = options.messageLimit ?? DEFAULT_MESSAGE_LIMIT;
  }

  /** Posts the reply (in pieces if long) and resolves to the first message's ts. */
  async deliver(reply: OutboundReply): Promise<string> {
    const mrkdwn = markdownToMrkdwn(reply.text);
    const body = mrkdwn === "" ? "…" : mrkdwn;
    const prefix = namePrefix(reply.agent);
    // Sized for the bold name too, so a switch to the fallback mid-reply still fits.
    const pieces = splitMessage(body, Math.max(this.#limit - prefix.length, 16));
    const posted =
      this.#partial.get(reply.replyId) ??
      (reply.maybePosted === true
        ? await findPostedParts(this.#client, this.#logger, { replyId: reply.replyId, channel: reply.channel, threadTs: threadTsOf(reply) })
        : []);
    for (let part = posted.length; part < pieces.length; part += 1) {
      try {
        posted.push(await this.#postPiece(reply, pieces[part] ?? "", { part, parts: pieces.length }));
      } catch (error) {
        if (posted.length > 0) this.#rememberPartial(reply.replyId, posted);
        throw toDeliveryError("chat.postMessage", error);
      }
    }
    this.#partial.delete(reply.replyId);
    this.#status?.refresh(reply);
    const first = posted[0];
    if (first === undefined) throw toSlackAdapterError("chat.postMessage", new Error("nothing was posted"));
    return first;
  }

  /**
   * Replaces a posted reply (a withheld answer) in place with chat.update: the first part becomes `text`, every later
   * part of a split reply (found by its baton_reply metadata) a short mark.
   */
  async replaceReply(reply: PostedReply, text: string): Promise<void> {
    const found = await findPostedParts(this.#client, this.#logger, { replyId: reply.replyId, channel: reply.channel, threadTs: threadTsOf(reply) });
    // The thread could not be read back: the first part, whose ts is known, is replaced all the same.
    const parts = found[0] === reply.platformMessageId ? found : [reply.platformMessageId];
    const notice = markdownToMrkdwn(text);
    const first = this.#identity.canCustomize ? notice : `${namePrefix(reply.agent)}${notice}`;
    for (const [index, ts] of parts.entries()) {
      try {
        await this.#client.chat.update({ channel: reply.channel, ts, text: index === 0 ? first : WITHHELD_PART });
      } catch (error) {
        throw toDeliveryError("chat.update", error);
      }
    }
  }

  #rememberPartial(replyId: number, posted: string[]): void {
    if (this.#partial.size >= MAX_REMEMBERED_PARTIAL) {
      const oldest = this.#partial.keys().next().value;
      if (oldest !== undefined) this.#partial.delete(oldest);
    }
    this.#partial.set(replyId, posted);
  }

  async #postPiece(reply: OutboundReply, text: string, position: { part: number; parts: number }): Promise<string> {
    const threadTs = threadTsOf(reply);
    const common = {
      unfurl_links: false,
      // Lets anyone reading the thread through the API tell which stored reply (and which part) a message is.
      metadata: {
        event_type: REPLY_EVENT_TYPE,
        event_payload: { reply_id: reply.replyId, conversation_id: reply.conversationId, agent: reply.agent.name, part: position.part + 1, parts: position.parts },
      },
    };
    const where = threadTs === undefined ? { channel: reply.channel } : { channel: reply.channel, thread_ts: threadTs };
    const withName = position.part === 0 ? `${namePrefix(reply.agent)}${text}` : text;
    if (!this.#identity.canCustomize) return this.#post({ ...where, ...common, text: withName });

    try {
      const result = await this.#client.chat.postMessage({ ...where, ...common, text, ...authorshipOf(reply.agent) });
      this.#identity.learnScopes(result.response_metadata?.scopes);
      const ts = result.ts ?? "";
      // Slack ignored the username (the scope is gone): put the name in the text of the message just posted.
      if (!this.#identity.canCustomize && position.part === 0) await this.#addName(reply.channel, ts, withName);
      return ts;
    } catch (error) {
      // Only the customization scope is worked around; a missing chat:write is a real failure.
      const needed = neededScopeOf(error);
      if (slackErrorOf(error) !== "missing_scope" || (needed !== undefined && !needed.split(",").includes(CUSTOMIZE_SCOPE))) throw error;
      this.#identity.learnMissingScope();
      return this.#post({ ...where, ...common, text: withName });
    }
  }

  async #post(args: webApi.ChatPostMessageArguments): Promise<string> {
    const result = await this.#client.chat.postMessage(args);
    this.#identity.learnScopes(result.response_metadata?.scopes);
    return result.ts ?? "";
  }

  async #addName(channel: string, ts: string, text: string): Promise<void> {
    try {
      await this.#client.chat.update({ channel, ts, text });
    } catch (error) {
      this.#logger.warn({ err: error, channel, ts }, "could not add the agent's name to a posted reply");
    }
  }
}
