// Delivers the service's replies into Discord threads: split to Discord's size, under each agent's name, pinging no one.
// Streaming (reply-stream.ts), withheld answers (reply-withheld.ts), routes (reply-route.ts) and formula images
// (reply-files.ts) live in their own modules; this port puts them together.

import type { Client, Webhook } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort, PostedReply, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import type { ReviveInbound, ReviveOlderReceived } from "../../bot/inbound-envelope.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import { ReplyMath } from "../common/reply-math.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import { fallbackHeader } from "./agent-identity.js";
import type { DiscordAlertPoster } from "./alert-poster.js";
import { DISCORD_PLATFORM } from "./bot-context.js";
import { discordDeliveryError } from "./errors.js";
import { MAX_FILES, replyFiles } from "./reply-files.js";
import { DiscordRoutes, RECENT_MESSAGES } from "./reply-route.js";
import { DiscordReplyStreams, type StreamPace } from "./reply-stream.js";
import { replaceReply } from "./reply-withheld.js";
import type { WebhookChannel, WebhookRegistry } from "./webhook-registry.js";

export { WITHHELD_PIECE } from "./reply-withheld.js";

export interface DiscordReplyPortOptions {
  readonly client: Client<true>;
  readonly webhooks: WebhookRegistry<Webhook>;
  readonly logger: Logger;
  /** Where safety alerts go (DISCORD_ALERT_CHANNEL_ID); without it the port posts none. */
  readonly alerts?: DiscordAlertPoster;
  /** Display math as PNGs, inline math as Unicode (and the formula cache); one per adapter. */
  readonly math?: ReplyMath;
  /** Whether replies stream (openStream); default true. */
  readonly stream?: boolean;
  /** The pace of streamed replies' edits; default about one per 1.5 s per message, 5 per 2 s per webhook. */
  readonly streamPace?: StreamPace;
  /** How the adapter finishes an inbound envelope stored before a restart (inbound-envelopes.ts). */
  readonly revive?: ReviveInbound;
  /** How it reads the events an earlier version stored in its own format. */
  readonly reviveOlder?: ReviveOlderReceived;
}

/** Posted pieces of replies whose delivery failed part-way, so a retry does not post them twice. */
const MAX_REMEMBERED_PARTIAL = 500;

export class DiscordReplyPort implements PlatformPort {
  readonly platform = DISCORD_PLATFORM;
  private readonly partial = new Map<number, string[]>();
  readonly postAlert?: (alert: SafetyAlert) => Promise<void>;
  private readonly math: ReplyMath;
  readonly postTeacherRequest?: (alert: TeacherRequestAlert) => Promise<void>;
  private readonly routes: DiscordRoutes;
  private readonly streams: DiscordReplyStreams;
  readonly openStream?: (target: StreamTarget, listener: StreamListener) => ReplyStream;
  readonly revive?: ReviveInbound;
  readonly reviveOlder?: ReviveOlderReceived;

  constructor(private readonly options: DiscordReplyPortOptions) {
    if (options.revive !== undefined) this.revive = options.revive;
    if (options.reviveOlder !== undefined) this.reviveOlder = options.reviveOlder;
    this.math = options.math ?? new ReplyMath();
    const { alerts } = options;
    if (alerts !== undefined) {
      this.postAlert = (alert) => alerts.post(alert);
      this.postTeacherRequest = (alert) => alerts.postTeacherRequest(alert);
    }
    this.routes = new DiscordRoutes(options.client, options.webhooks, options.logger);
    this.streams = new DiscordReplyStreams(this.routes, this.math, options.logger, options.streamPace);
    if (options.stream !== false) this.openStream = (target, listener) => this.streams.open(target, listener);
  }

  /** Finishes a reply streamed by an earlier process: its messages are edited to the final text (more posted if needed). */
  resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    return this.streams.resume(reply, platformMessageIds);
  }

  /**
   * Replaces a posted reply (a withheld answer) in place: the first piece becomes `text`, any later piece of a split
   * reply a short mark.
   */
  replaceReply(reply: PostedReply, text: string): Promise<void> {
    return replaceReply(this.routes, this.math, reply, text);
  }

  async deliver(reply: OutboundReply): Promise<string> {
    try {
      return await this.post(reply);
    } catch (error) {
      throw discordDeliveryError(error);
    }
  }

  private async post(reply: OutboundReply): Promise<string> {
    const header = fallbackHeader(reply.agent);
    // Display math goes up as PNGs attached to the last piece, so they sit under the answer's final words.
    const rendered = this.math.renderReply(reply.text, { maxImages: MAX_FILES });
    const pieces = this.routes.piecesOf(rendered.text, header);
    const parent = await this.routes.parentChannel(reply);
    const posted = this.partial.get(reply.replyId) ?? (reply.maybePosted === true ? await this.findPosted(reply, parent, pieces, header) : []);
    try {
      for (let index = posted.length; index < pieces.length; index++) {
        const files = index === pieces.length - 1 ? replyFiles(rendered.images) : [];
        posted.push(await this.routes.postPiece(parent, reply, { content: pieces[index]!, files }, index === 0 ? header : undefined));
      }
    } catch (error) {
      // A retry of this reply posts only the pieces still missing.
      if (posted.length > 0) this.rememberPartial(reply.replyId, posted);
      throw error;
    }
    this.partial.delete(reply.replyId);
    return posted[0]!;
  }

  private rememberPartial(replyId: number, posted: string[]): void {
    if (this.partial.size >= MAX_REMEMBERED_PARTIAL) {
      const oldest = this.partial.keys().next().value;
      if (oldest !== undefined) this.partial.delete(oldest);
    }
    this.partial.set(replyId, posted);
  }

  /**
   * The ids of the pieces of `reply` an earlier process already posted: the thread's recent messages read back,
   * the newest post of our own webhook (or of the bot, on the fallback route) under the agent's name whose content
   * is the first piece, then the pieces that follow it in order. Nothing the student sees carries a marker.
   */
  private async findPosted(reply: OutboundReply, parent: WebhookChannel<Webhook> | undefined, pieces: readonly string[], header: string): Promise<string[]> {
    const thread = await this.routes.fetchChannel(reply.thread);
    if (!thread.isTextBased() || !("messages" in thread)) return [];
    const route = await this.routes.routeOf(parent);
    const expected = this.routes.expectedContents(pieces, route, header);
    const recent = this.routes.ownPosts([...(await thread.messages.fetch({ limit: RECENT_MESSAGES })).values()], route, reply.agent);
    const start = recent.findLastIndex((message) => message.content === expected[0]);
    if (start === -1) return [];
    const found = [recent[start]!.id];
    for (const message of recent.slice(start + 1)) {
      if (found.length >= expected.length || message.content !== expected[found.length]) break;
      found.push(message.id);
    }
    this.options.logger.info({ replyId: reply.replyId, found: found.length, pieces: pieces.length }, "discord: found a reply already posted before the restart");
    return found;
  }
}
