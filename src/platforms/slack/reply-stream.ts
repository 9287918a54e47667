// A Slack reply that grows as the model writes: Slack's own streaming (native-stream.ts) where it is allowed, else
// chat.postMessage on the first words (under the agent's username and icon), then chat.update of the same message,
// paced by the edit throttle; past Slack's length it continues in a new message.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { OutboundReply, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { EditThrottle } from "../common/edit-throttle.js";
import { EditedStream } from "../common/edited-stream.js";
import { PostedPieces, type PieceOps } from "../common/posted-pieces.js";
import { MAX_REPLY_IMAGES, type FormulaImage, type ReplyMath } from "../common/reply-math.js";
import { namePrefix, type AgentIdentityMode } from "./agent-identity.js";
import { slackErrorOf, slackDeliveryError } from "./errors.js";
import { formulaBlocks, uploadFormulas } from "./formula-upload.js";
import { markdownToMrkdwn } from "./mrkdwn.js";
import { StreamMetadata } from "./reply-metadata.js";
import { SLACK_CHUNKS, splitMessage, withLimit } from "../common/chunker.js";
import type { SlackThreadStatus } from "./thread-status.js";
import { NativeSlackStream, type NativeStreamOptions } from "./native-stream.js";
import { ThreadStreamOrder } from "./stream-order.js";
import { SlackStreamSupport, threadTsOf } from "./stream-support.js";

/** Slack's chat.update is a Tier 3 method (about 50 a minute) and a channel takes about one message a second. */
export const SLACK_EDIT_INTERVAL_MS = 1_000;
export const SLACK_SHARED_BUDGET = { calls: 3, windowMs: 3_000 } as const;

/**
 * Slack's own streams: chat.appendStream is a Tier 4 method (100+ a minute), so a stream grows about once a second
 * with more room per channel; its start and stop count in the same budget.
 */
export const SLACK_NATIVE_SHARED_BUDGET = { calls: 6, windowMs: 3_000 } as const;

export function slackEditThrottle(pace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } }): EditThrottle {
  return new EditThrottle(pace ?? { perMessageMs: SLACK_EDIT_INTERVAL_MS, shared: SLACK_SHARED_BUDGET });
}

const FENCE = "```";

/** While the model writes, a code block it leaves open is shown closed (a line that is only ```), if there is room. */
export function closeOpenFence(pieces: readonly string[], limit: number): string[] {
  const shown = [...pieces];
  const last = shown.at(-1);
  if (last === undefined) return shown;
  const fences = last.split("\n").filter((line) => line.trim() === FENCE).length;
  if (fences % 2 === 1 && last.length + FENCE.length + 1 <= limit) shown[shown.length - 1] = `${last}\n${FENCE}`;
  return shown;
}

/** Image blocks per reply: a message holds at most 50 blocks, and a few go to its text. */
const MAX_IMAGES = MAX_REPLY_IMAGES;

export interface SlackReplyStreamsOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly identity: AgentIdentityMode;
  readonly status: SlackThreadStatus | undefined;
  /** Longest message posted. */
  readonly limit: number;
  readonly math: ReplyMath;
  /** How long before a refused (invalid_blocks) formula image update is tried again. */
  readonly settleMs: number;
  readonly pace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } };
  /** Posts one piece of a reply under the agent's name, with its metadata (the poster's chat.postMessage). */
  readonly post: (reply: OutboundReply, text: string, position: { part: number; parts: number }) => Promise<string>;
  /**
   * Slack's chat.startStream / appendStream / stopStream where allowed, through this client (one that rejects
   * rate-limited calls, so a Retry-After slows the throttle). Absent: every reply grows by chat.update.
   */
  readonly native?: { readonly client: webApi.WebClient };
}

/** Opens and resumes streamed replies on Slack (PlatformPort.openStream and resume). */
export class SlackReplyStreams {
  readonly #throttle: EditThrottle;
  /** The native streams' pace: their own budget, apart from the chat.update one. */
  readonly #nativeThrottle: EditThrottle;
  readonly #support: SlackStreamSupport;
  readonly #order = new ThreadStreamOrder();
  #streams = 0;

  constructor(private readonly options: SlackReplyStreamsOptions) {
    this.#throttle = slackEditThrottle(options.pace);
    this.#nativeThrottle = slackEditThrottle(options.pace ?? { perMessageMs: SLACK_EDIT_INTERVAL_MS, shared: SLACK_NATIVE_SHARED_BUDGET });
    this.#support = new SlackStreamSupport(options.logger);
  }

  /**
   * A reply shown from its first words as the model writes; finished with the exact final text. Its words wait for
   * the thread's previous reply to be finished, so the thread reads in order.
   */
  open(target: StreamTarget, listener: StreamListener): ReplyStream {
    return this.#order.inOrder(`${target.channel}/${target.thread}`, () => {
      const threadTs = threadTsOf(target);
      if (this.options.native === undefined || !this.#support.allows(target, threadTs)) return this.#openEdited(target, listener);
      return new NativeSlackStream(this.#nativeOptions(target, listener, `stream:${++this.#streams}`, () => this.#openEdited(target, listener)));
    });
  }

  #nativeOptions(target: StreamTarget, listener: StreamListener, key: string, fallback: () => ReplyStream): NativeStreamOptions {
    const { logger, identity, status, limit, math, settleMs } = this.options;
    return { client: this.options.native!.client, logger, target, threadTs: threadTsOf(target), listener, throttle: this.#nativeThrottle, key, limit, identity, math, status, support: this.#support, settleMs, fallback };
  }

  /** A reply posted on its first words and updated as the model writes (chat.postMessage, then chat.update). */
  #openEdited(target: StreamTarget, listener: StreamListener): ReplyStream {
    const reply: OutboundReply = { ...target, replyId: 0, text: "", kind: "agent" };
    const key = `stream:${++this.#streams}`;
    const prefix = namePrefix(target.agent);
    const limit = Math.max(this.options.limit - prefix.length, 16);
    // The outbox id comes with finish: from then on the updates carry the reply's metadata (posted with reply_id 0).
    const metadata = new StreamMetadata(reply);
    const pieces = new PostedPieces(this.#pieceOps(reply, metadata), (ids) => listener.onPieces(ids), (final) => this.#throttle.acquire(key, target.channel, final));
    // While streaming, inline math shows as Unicode and display math as its TeX; the images come with the final text.
    let finalImages: { readonly pieces: readonly string[]; readonly images: readonly FormulaImage[] } | undefined;
    const stream = new EditedStream({
      pieces,
      render: (text, final) => {
        if (!final) return this.#render(this.options.math.streamingText(text), limit, false);
        const rendered = this.options.math.renderReply(text, { maxImages: MAX_IMAGES });
        const shown = this.#render(rendered.text, limit, true);
        finalImages = { pieces: shown, images: rendered.images };
        metadata.finalParts(shown.length);
        return shown;
      },
      logger: this.options.logger,
      deliveryError: (error) => slackDeliveryError("chat.update", error),
      hurry: () => this.#throttle.hurry(key),
      done: () => {
        this.#throttle.release(key);
        this.options.status?.refresh(target);
      },
    });
    return {
      append: (text) => stream.append(text),
      restart: () => stream.restart(),
      finish: async (text, replyId) => {
        metadata.commit(replyId);
        const ids = await stream.finish(text);
        if (finalImages !== undefined) {
          await this.#stampMetadata(reply, ids, finalImages.pieces, metadata);
          await this.#addFormulas({ ...reply, replyId: metadata.replyId }, ids, finalImages.pieces, finalImages.images, metadata);
        }
        return ids;
      },
      abandon: () => stream.abandon(),
    };
  }

  /**
   * A finished streamed reply's last message gets its formulas' image blocks (chat.update). Its text is already final
   * and holds each formula's TeX, so a refusal is logged, never a failed delivery; invalid_blocks is tried once more.
   */
  async #addFormulas(reply: OutboundReply, ids: readonly string[], pieces: readonly string[], images: readonly FormulaImage[], metadata: StreamMetadata): Promise<void> {
    const formulas = await uploadFormulas({ client: this.options.client, logger: this.options.logger }, images, reply);
    const index = pieces.length - 1;
    const ts = ids[index];
    if (formulas.length === 0 || ts === undefined) return;
    const text = index === 0 && !this.options.identity.canCustomize ? `${namePrefix(reply.agent)}${pieces[index]!}` : pieces[index]!;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.client.chat.update({ channel: reply.channel, ts, text, blocks: formulaBlocks(text, formulas), ...metadata.stamp(ts, index) });
        return;
      } catch (error) {
        if (slackErrorOf(error) !== "invalid_blocks" || attempt >= 2) {
          this.options.logger.warn({ replyId: reply.replyId, slackError: slackErrorOf(error) }, "slack: the formula images could not be added to a streamed reply; it keeps each formula's TeX");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.settleMs));
      }
    }
  }

  /**
   * Finishes a reply streamed by an earlier process: the same messages are brought to the final text (a stream still
   * open is stopped, one Slack dropped is updated), never posted again.
   */
  async resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    if (this.options.native === undefined) return this.#resumeEdited(reply, platformMessageIds);
    const target: StreamTarget = { ...reply };
    const stream = new NativeSlackStream(this.#nativeOptions(target, { onPieces: () => undefined }, `resume:${reply.replyId}`, () => this.#openEdited(target, { onPieces: () => undefined })), platformMessageIds);
    const ids = await stream.resume(reply.text, reply.replyId);
    return ids[0]!;
  }

  async #resumeEdited(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    const limit = Math.max(this.options.limit - namePrefix(reply.agent).length, 16);
    const key = `resume:${reply.replyId}`;
    // An earlier process posted these messages before the outbox id was known: they get the reply's metadata now.
    const metadata = new StreamMetadata(reply);
    metadata.commit(reply.replyId);
    const pieces = new PostedPieces(this.#pieceOps(reply, metadata), () => undefined, () => this.#throttle.acquire(key, reply.channel, true));
    pieces.adopt(platformMessageIds);
    const rendered = this.options.math.renderReply(reply.text, { maxImages: MAX_IMAGES });
    const final = this.#render(rendered.text, limit, true);
    metadata.finalParts(final.length);
    try {
      await pieces.apply(() => final, true);
    } catch (error) {
      throw slackDeliveryError("chat.update", error);
    } finally {
      this.#throttle.release(key);
    }
    await this.#stampMetadata(reply, pieces.ids(), final, metadata);
    await this.#addFormulas(reply, pieces.ids(), final, rendered.images, metadata);
    return pieces.ids()[0]!;
  }

  #render(text: string, limit: number, final: boolean): string[] {
    const mrkdwn = markdownToMrkdwn(text);
    const pieces = splitMessage(mrkdwn === "" ? "…" : mrkdwn, withLimit(SLACK_CHUNKS, limit));
    return final ? pieces : closeOpenFence(pieces, limit);
  }

  /**
   * The streamed reply's messages its final updates did not reach get its metadata (the outbox id known at last), so
   * a withheld answer's replaceReply and recovery's lookup find every part. A refusal is logged: the text is final.
   */
  async #stampMetadata(reply: OutboundReply, ids: readonly string[], pieces: readonly string[], metadata: StreamMetadata): Promise<void> {
    for (const { ts, part } of metadata.unstamped(ids)) {
      try {
        await this.options.client.chat.update({ channel: reply.channel, ts, text: this.#named(reply, pieces[part] ?? "", part), ...metadata.stamp(ts, part) });
      } catch (error) {
        this.options.logger.warn({ replyId: metadata.replyId, slackError: slackErrorOf(error) }, "slack: could not set a streamed reply's metadata; a later replacement may miss this part");
      }
    }
  }

  #named(reply: OutboundReply, content: string, index: number): string {
    return index === 0 && !this.options.identity.canCustomize ? `${namePrefix(reply.agent)}${content}` : content;
  }

  /** Posts a streamed reply's pieces under the agent's name, updates and deletes them (with its metadata once known). */
  #pieceOps(reply: OutboundReply, metadata: StreamMetadata): PieceOps {
    return {
      post: async (content, index) => {
        const ts = await this.options.post({ ...reply, replyId: metadata.replyId }, content, metadata.position(index));
        metadata.stamp(ts, index);
        return ts;
      },
      edit: async (ts, content, index) => {
        await this.options.client.chat.update({ channel: reply.channel, ts, text: this.#named(reply, content, index), ...metadata.stamp(ts, index) });
      },
      remove: async (ts) => {
        await this.options.client.chat.delete({ channel: reply.channel, ts });
      },
    };
  }
}
