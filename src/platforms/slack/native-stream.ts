// A Slack reply streamed natively: chat.startStream on the agent's first words (in the thread, under its name, to the
// student), chat.appendStream as the model writes (paced by the edit throttle), chat.stopStream with the rest of the
// exact final text and the reply's metadata. Past the message limit the answer continues in a new stream. A stream
// Slack dropped (expired, stopped) is finished with chat.update of the same message; a refused start hands the reply
// to the chat.postMessage + chat.update stream (`fallback`).

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import type { EditThrottle } from "../common/edit-throttle.js";
import { MAX_REPLY_IMAGES, type ReplyMath } from "../common/reply-math.js";
import type { AgentIdentityMode } from "./agent-identity.js";
import { slackDeliveryError, slackErrorOf } from "./errors.js";
import { uploadFormulas, type UploadedFormula } from "./formula-upload.js";
import { replyMetadata, type ReplyMetadata } from "./reply-metadata.js";
import { markdownNamePrefix, markdownPieces, streamingMarkdownPieces } from "./stream-markdown.js";
import { rateLimitMs, SlackStreamMessages, type StreamStep } from "./stream-messages.js";
import type { SlackStreamSupport } from "./stream-support.js";
import type { SlackThreadStatus } from "./thread-status.js";

export interface NativeStreamOptions {
  /** A client that rejects rate-limited calls (rejectRateLimitedCalls), so their Retry-After slows the throttle. */
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly target: StreamTarget;
  /** The thread's ts (streams are always thread replies); undefined only when finishing a top-level DM's messages. */
  readonly threadTs: string | undefined;
  readonly listener: StreamListener;
  readonly throttle: EditThrottle;
  /** The throttle's key for this reply's calls. */
  readonly key: string;
  /** Longest message. */
  readonly limit: number;
  readonly identity: AgentIdentityMode;
  readonly math: ReplyMath;
  readonly status: SlackThreadStatus | undefined;
  readonly support: SlackStreamSupport;
  /** How long before a stop whose formula images Slack refused (invalid_blocks: the file is not ready) is tried again. */
  readonly settleMs: number;
  /** The chat.postMessage + chat.update stream the reply continues as when chat.startStream is refused. */
  readonly fallback: () => ReplyStream;
}

/** A final call refused by a rate limit is tried again this many times (each after the Retry-After) before giving up. */
const RATE_LIMIT_ATTEMPTS = 5;

export class NativeSlackStream implements ReplyStream {
  readonly #o: NativeStreamOptions;
  readonly #messages: SlackStreamMessages;
  #text = "";
  #final: string | undefined;
  #abandoned = false;
  #wake: (() => void) | undefined;
  readonly #pumping: Promise<void>;
  #delegate: ReplyStream | undefined;
  #formulas: UploadedFormula[] | undefined;
  #done = false;

  constructor(options: NativeStreamOptions, adopted: readonly string[] = []) {
    this.#o = options;
    this.#messages = new SlackStreamMessages(options, adopted);
    this.#pumping = adopted.length > 0 ? Promise.resolve() : this.#pump();
  }

  append(text: string): void {
    if (this.#delegate !== undefined) return this.#delegate.append(text);
    this.#text += text;
    this.#wake?.();
  }

  restart(): void {
    if (this.#delegate !== undefined) return this.#delegate.restart();
    // The messages keep what they show until the new text's first words replace it.
    this.#text = "";
    this.#wake?.();
  }

  async finish(finalText: string, replyId?: number): Promise<readonly string[]> {
    this.#final = finalText;
    this.#o.throttle.hurry(this.#o.key);
    this.#wake?.();
    await this.#pumping;
    if (this.#delegate !== undefined) return this.#delegate.finish(finalText, replyId);
    await this.#finalize(finalText, replyId);
    this.#end();
    return this.#messages.ids();
  }

  async abandon(): Promise<void> {
    this.#abandoned = true;
    this.#o.throttle.hurry(this.#o.key);
    this.#wake?.();
    await this.#pumping;
    if (this.#delegate !== undefined) return this.#delegate.abandon();
    this.#end();
    while (this.#messages.count > 0) await this.#messages.removeLast();
  }

  #ended(): boolean {
    return this.#final !== undefined || this.#abandoned;
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#o.throttle.release(this.#o.key);
    this.#o.status?.refresh(this.#o.target);
  }

  #prefix(): string {
    return this.#o.identity.canCustomize ? "" : markdownNamePrefix(this.#o.target.agent);
  }

  #wanted(): string[] {
    return streamingMarkdownPieces(this.#text, { limit: this.#o.limit, prefix: this.#prefix() });
  }

  /** Shows the latest text, one paced call at a time, until the stream ends or falls back. */
  async #pump(): Promise<void> {
    for (;;) {
      if (this.#messages.nextStep(this.#wanted()) === undefined && !this.#ended()) await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
      if (this.#ended() || this.#delegate !== undefined) return;
      if (this.#messages.nextStep(this.#wanted()) === undefined) continue;
      await this.#o.throttle.acquire(this.#o.key, this.#o.target.channel, false);
      if (this.#ended()) return;
      // Read again after the wait: the call carries the latest text.
      const wanted = this.#wanted();
      const step = this.#messages.nextStep(wanted);
      if (step === undefined) continue;
      try {
        await this.#messages.run(step, wanted);
      } catch (error) {
        if (step.kind === "start" && step.index === 0) {
          this.#fallBack(error);
          return;
        }
        if (!this.#absorb(error, step)) {
          // The next change of the text (or the final pass) tries again.
          this.#o.logger.debug({ err: error, slackError: slackErrorOf(error), step: step.kind }, "slack: a streaming call failed; the next one supersedes it");
          if (!this.#ended()) await new Promise<void>((resolve) => (this.#wake = resolve));
        }
      }
    }
  }

  /** A failure the stream works around: a rate limit (waited out) or a stream Slack no longer takes (updated instead). */
  #absorb(error: unknown, step: StreamStep): boolean {
    const retryAfter = rateLimitMs(error);
    if (retryAfter !== undefined) {
      this.#o.throttle.backOff(this.#o.target.channel, retryAfter);
      return true;
    }
    const slackError = slackErrorOf(error);
    if ((step.kind === "append" || step.kind === "stop") && slackError === "message_not_in_streaming_state") {
      const message = this.#messages.at(step.index);
      if (message !== undefined) message.live = false;
      return true;
    }
    return false;
  }

  #fallBack(error: unknown): void {
    const { target, support, logger, throttle } = this.#o;
    const slackError = slackErrorOf(error);
    const retryAfter = rateLimitMs(error);
    if (retryAfter !== undefined) throttle.backOff(target.channel, retryAfter);
    const permanent = support.learnRefusal(target, slackError);
    if (!permanent) logger.info({ slackError, err: slackError === undefined && retryAfter === undefined ? error : undefined, rateLimited: retryAfter !== undefined }, "slack: chat.startStream failed; this reply grows by chat.update instead");
    throttle.release(this.#o.key);
    this.#delegate = this.#o.fallback();
    if (this.#text !== "") this.#delegate.append(this.#text);
  }

  /**
   * Brings every piece to the exact final text: the live stream stopped with its rest and the reply's metadata, a
   * dropped one updated, a missing piece posted whole, extra ones removed. Safe to call again after a failure.
   */
  async #finalize(finalText: string, replyId: number | undefined): Promise<void> {
    const { client, logger, target, math, throttle, key } = this.#o;
    const rendered = math.renderReply(finalText, { maxImages: MAX_REPLY_IMAGES });
    const wanted = markdownPieces(rendered.text, { limit: this.#o.limit, prefix: this.#prefix() });
    const metadataOf = (part: number): ReplyMetadata | undefined =>
      replyId === undefined ? undefined : replyMetadata({ ...target, replyId }, { part, parts: wanted.length });
    this.#formulas ??= rendered.images.length === 0 ? [] : await uploadFormulas({ client, logger }, rendered.images, { replyId: replyId ?? 0 });
    const imageBlocks = this.#formulas.map((formula): webApi.KnownBlock => ({ type: "image", slack_file: { id: formula.fileId }, alt_text: formula.tex.slice(0, 2_000) }));
    const paced = (): Promise<void> => throttle.acquire(key, target.channel, true);
    for (const [index, content] of wanted.entries()) {
      const metadata = metadataOf(index);
      const last = index === wanted.length - 1;
      const final = { ...(metadata === undefined ? {} : { metadata }), ...(last && imageBlocks.length > 0 ? { blocks: imageBlocks } : {}) };
      await this.#withRetries(async () => {
        const message = this.#messages.at(index);
        if (message === undefined) {
          await paced();
          return this.#messages.postWhole(content, metadata);
        }
        if (message.live) {
          await paced();
          await this.#messages.stopFinal(index, wanted, final);
        }
        if (message.shown !== content || (!message.stamped && metadata !== undefined)) {
          await paced();
          if (last && imageBlocks.length > 0) logger.warn({ replyId }, "slack: a streamed reply finished by chat.update keeps each formula's TeX without its image");
          await this.#messages.run({ kind: "update", index }, wanted, final);
        }
      });
    }
    while (this.#messages.count > wanted.length) {
      await this.#withRetries(async () => {
        await paced();
        await this.#messages.removeLast();
      });
    }
  }

  /** Runs a final call, waiting out rate limits (Retry-After) a few times; other failures are the delivery's to retry. */
  async #withRetries(call: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const retryAfter = rateLimitMs(error);
        if (retryAfter === undefined || attempt >= RATE_LIMIT_ATTEMPTS) throw slackDeliveryError("chat.stopStream", error);
        this.#o.throttle.backOff(this.#o.target.channel, retryAfter);
      }
    }
  }

  /**
   * Finishes messages an earlier process streamed (a crash mid-stream): a stream still open is stopped with the rest of
   * the final text when what it shows (read back from the thread) begins it; otherwise stopped, then updated.
   */
  async resume(finalText: string, replyId: number): Promise<readonly string[]> {
    await this.#messages.readShown();
    await this.#finalize(finalText, replyId);
    this.#end();
    return this.#messages.ids();
  }
}
