// The Slack PlatformPort: posts each reply in its thread under the agent's name, as mrkdwn, split when long (streamed
// replies are reply-stream.ts's).

import type { ReviveInbound, ReviveOlderReceived } from "../../bot/inbound-envelope.js";
import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort, PostedReply, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { SlackReplyStreams } from "./reply-stream.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import { MAX_REPLY_IMAGES, ReplyMath } from "../common/reply-math.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import type { SlackAlertPoster, SlackModeratorDMs } from "./alert-poster.js";
import { AgentIdentityMode, authorshipOf, CUSTOMIZE_SCOPE, namePrefix } from "./agent-identity.js";
import { neededScopeOf, slackErrorOf, slackDeliveryError, toSlackAdapterError } from "./errors.js";
import { markdownToMrkdwn } from "./mrkdwn.js";
import { formulaBlocks, uploadFormulas, type UploadedFormula } from "./formula-upload.js";
import { findPostedParts } from "./posted-reply-lookup.js";
import { replyMetadata } from "./reply-metadata.js";
import { SLACK_CHUNKS, SLACK_MESSAGE_LIMIT, splitMessage, withLimit } from "../common/chunker.js";
import { threadTsOf } from "./stream-support.js";
import type { SlackThreadStatus } from "./thread-status.js";

export const SLACK_PLATFORM = "slack";

export interface ReplyPosterOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly identity: AgentIdentityMode;
  readonly status?: SlackThreadStatus;
  /** Longest message posted; longer replies are split. Default 3,500. */
  readonly messageLimit?: number;
  /** Where safety alerts go (SLACK_ALERT_CHANNEL); without it the port posts none. */
  readonly alerts?: SlackAlertPoster;
  /** Without an alert channel: where "ask a teacher" requests go instead (DMs to SLACK_MODERATOR_IDS). */
  readonly teacherRequests?: SlackModeratorDMs;
  /** Display math as PNGs, inline math as Unicode (and the formula cache); one per adapter. */
  readonly math?: ReplyMath;
  /**
   * How long to wait before trying a just-uploaded formula's image block again when Slack answers invalid_blocks
   * (a completed file can take a moment to become usable). Default 1,500 ms; a second refusal posts the text alone.
   */
  readonly fileSettleMs?: number;
  /**
   * Replies grow as the model writes: Slack's chat.startStream where allowed, else chat.postMessage then chat.update.
   * Default false here (SLACK_STREAM_REPLIES turns it on by default): each is posted whole.
   */
  readonly stream?: boolean;
  /** How the adapter finishes an inbound envelope stored before a restart (ConversationEntry.revive). */
  readonly revive?: ReviveInbound;
  /** How it reads the events an earlier version stored in its own format. */
  readonly reviveOlder?: ReviveOlderReceived;
  /** With `stream`: false keeps every reply on chat.postMessage + chat.update (no chat.startStream). Default true. */
  readonly nativeStreaming?: boolean;
  /**
   * The client of the streaming calls; it should reject rate-limited calls (rejectRateLimitedCalls) so a Retry-After
   * slows the edit throttle instead of stalling one call. Default: `client`.
   */
  readonly streamClient?: webApi.WebClient;
  /** The pace of the streamed replies' updates (tests shorten it). */
  readonly streamPace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } };
}

/** Image blocks per reply: a message holds at most 50 blocks, and a few go to its text. */
const MAX_IMAGES = MAX_REPLY_IMAGES;

/** What the later parts of a withheld answer become (the first one carries the notice). */
export const WITHHELD_PART = "_(withheld)_";

export { threadTsOf } from "./stream-support.js";

/** Posted parts of replies whose delivery failed part-way, so a retry does not post them twice. */
const MAX_REMEMBERED_PARTIAL = 500;

export class SlackReplyPoster implements PlatformPort {
  readonly platform = SLACK_PLATFORM;
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #identity: AgentIdentityMode;
  readonly #status: SlackThreadStatus | undefined;
  readonly #limit: number;
  readonly #partial = new Map<number, string[]>();
  readonly #math: ReplyMath;
  readonly #settleMs: number;
  readonly #streams: SlackReplyStreams;
  readonly openStream?: (target: StreamTarget, listener: StreamListener) => ReplyStream;
  readonly postAlert?: (alert: SafetyAlert) => Promise<void>;
  readonly postTeacherRequest?: (alert: TeacherRequestAlert) => Promise<void>;
  readonly revive?: ReviveInbound;
  readonly reviveOlder?: ReviveOlderReceived;

  constructor(options: ReplyPosterOptions) {
    const { alerts } = options;
    if (options.revive !== undefined) this.revive = options.revive;
    if (options.reviveOlder !== undefined) this.reviveOlder = options.reviveOlder;
    if (alerts !== undefined) {
      this.postAlert = (alert) => alerts.post(alert);
      this.postTeacherRequest = (alert) => alerts.postTeacherRequest(alert);
    } else if (options.teacherRequests !== undefined) {
      const dms = options.teacherRequests;
      this.postTeacherRequest = (alert) => dms.postTeacherRequest(alert);
    }
    this.#client = options.client;
    this.#logger = options.logger;
    this.#identity = options.identity;
    this.#status = options.status;
    this.#limit = options.messageLimit ?? SLACK_MESSAGE_LIMIT;
    this.#math = options.math ?? new ReplyMath();
    this.#settleMs = options.fileSettleMs ?? 1_500;
    this.#streams = new SlackReplyStreams({
      client: this.#client,
      logger: this.#logger,
      identity: this.#identity,
      status: this.#status,
      limit: this.#limit,
      math: this.#math,
      settleMs: this.#settleMs,
      ...(options.streamPace === undefined ? {} : { pace: options.streamPace }),
      post: (reply, text, position) => this.#postPiece(reply, text, position, []),
      ...(options.nativeStreaming === false ? {} : { native: { client: options.streamClient ?? this.#client } }),
    });
    if (options.stream === true) this.openStream = (target, listener) => this.#streams.open(target, listener);
  }

  /** Finishes a reply streamed by an earlier process: the same messages are updated to the final text. */
  resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    return this.#streams.resume(reply, platformMessageIds);
  }

  /** Posts the reply (in pieces if long) and resolves to the first message's ts. */
  async deliver(reply: OutboundReply): Promise<string> {
    const rendered = this.#math.renderReply(reply.text, { maxImages: MAX_IMAGES });
    const mrkdwn = markdownToMrkdwn(rendered.text);
    const body = mrkdwn === "" ? "…" : mrkdwn;
    const prefix = namePrefix(reply.agent);
    // Sized for the bold name too, so a switch to the fallback mid-reply still fits.
    const pieces = splitMessage(body, withLimit(SLACK_CHUNKS, Math.max(this.#limit - prefix.length, SLACK_CHUNKS.minLimit)));
    const posted =
      this.#partial.get(reply.replyId) ??
      (reply.maybePosted === true
        ? await findPostedParts(this.#client, this.#logger, { replyId: reply.replyId, channel: reply.channel, threadTs: threadTsOf(reply) })
        : []);
    for (let part = posted.length; part < pieces.length; part += 1) {
      try {
        const position = { part, parts: pieces.length };
        // The formula images go with the last part, so they sit under the answer's final words.
        const formulas = part === pieces.length - 1 ? await uploadFormulas({ client: this.#client, logger: this.#logger }, rendered.images, reply) : [];
        posted.push(await this.#postWithFormulas(reply, pieces[part] ?? "", position, formulas));
      } catch (error) {
        if (posted.length > 0) this.#rememberPartial(reply.replyId, posted);
        throw slackDeliveryError("chat.postMessage", error);
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
    // The formula images were blocks of the last part: a withheld answer keeps none of them.
    const hadImages = this.#math.renderReply(reply.text, { maxImages: MAX_IMAGES }).images.length > 0;
    for (const [index, ts] of parts.entries()) {
      try {
        const blocks = hadImages && index === parts.length - 1 ? { blocks: [] } : {};
        await this.#client.chat.update({ channel: reply.channel, ts, text: index === 0 ? first : WITHHELD_PART, ...blocks });
      } catch (error) {
        throw slackDeliveryError("chat.update", error);
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

  /**
   * Posts a part with its formulas' image blocks. Slack may refuse a file completed a moment ago (invalid_blocks):
   * one more try after `fileSettleMs`, then the part goes out without images (its text holds each formula's TeX).
   */
  async #postWithFormulas(reply: OutboundReply, text: string, position: { part: number; parts: number }, formulas: readonly UploadedFormula[]): Promise<string> {
    if (formulas.length === 0) return this.#postPiece(reply, text, position, []);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#postPiece(reply, text, position, formulas);
      } catch (error) {
        if (slackErrorOf(error) !== "invalid_blocks") throw error;
        if (attempt >= 2) {
          this.#logger.warn({ replyId: reply.replyId, files: formulas.length }, "slack: the formula images were refused twice (invalid_blocks); the reply goes out with each formula's TeX");
          return this.#postPiece(reply, text, position, []);
        }
        await new Promise((resolve) => setTimeout(resolve, this.#settleMs));
      }
    }
  }

  async #postPiece(reply: OutboundReply, text: string, position: { part: number; parts: number }, formulas: readonly UploadedFormula[]): Promise<string> {
    const threadTs = threadTsOf(reply);
    const blocksFor = (shown: string) => (formulas.length === 0 ? {} : { blocks: formulaBlocks(shown, formulas) });
    const common = {
      unfurl_links: false,
      metadata: replyMetadata(reply, position),
    };
    const where = threadTs === undefined ? { channel: reply.channel } : { channel: reply.channel, thread_ts: threadTs };
    const withName = position.part === 0 ? `${namePrefix(reply.agent)}${text}` : text;
    if (!this.#identity.canCustomize) return this.#post({ ...where, ...common, text: withName, ...blocksFor(withName) });

    try {
      const result = await this.#client.chat.postMessage({ ...where, ...common, text, ...blocksFor(text), ...authorshipOf(reply.agent) });
      this.#identity.learnScopes(result.response_metadata?.scopes);
      const ts = result.ts ?? "";
      // Slack ignored the username (the scope is gone): put the name in the text of the message just posted.
      if (!this.#identity.canCustomize && position.part === 0) await this.#addName(reply.channel, ts, withName, blocksFor(withName));
      return ts;
    } catch (error) {
      // Only the customization scope is worked around; a missing chat:write is a real failure.
      const needed = neededScopeOf(error);
      if (slackErrorOf(error) !== "missing_scope" || (needed !== undefined && !needed.split(",").includes(CUSTOMIZE_SCOPE))) throw error;
      this.#identity.learnMissingScope();
      return this.#post({ ...where, ...common, text: withName, ...blocksFor(withName) });
    }
  }

  async #post(args: webApi.ChatPostMessageArguments): Promise<string> {
    const result = await this.#client.chat.postMessage(args);
    this.#identity.learnScopes(result.response_metadata?.scopes);
    return result.ts ?? "";
  }

  async #addName(channel: string, ts: string, text: string, blocks: { blocks?: webApi.KnownBlock[] }): Promise<void> {
    try {
      await this.#client.chat.update({ channel, ts, text, ...blocks });
    } catch (error) {
      this.#logger.warn({ err: error, channel, ts }, "could not add the agent's name to a posted reply");
    }
  }
}
