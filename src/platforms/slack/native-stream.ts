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
import { authorshipOf, type AgentIdentityMode } from "./agent-identity.js";
import { slackErrorOf, slackDeliveryError } from "./errors.js";
import { uploadFormulas, type UploadedFormula } from "./formula-upload.js";
import { replyMetadata, type ReplyMetadata } from "./reply-metadata.js";
import { markdownNamePrefix, markdownPieces, streamingMarkdownPieces } from "./stream-markdown.js";
import { channelTypeOf, type SlackStreamSupport } from "./stream-support.js";
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

interface Piece {
  readonly ts: string;
  /** What the message shows (what the stream was given so far); UNKNOWN for a message an earlier process posted. */
  shown: string;
  /** Still streaming: appends and the stop go to it. */
  live: boolean;
  /** Carries the reply's final metadata. */
  stamped: boolean;
}

const UNKNOWN = "\u0000unknown";
/** A final call refused by a rate limit is tried again this many times (each after the Retry-After) before giving up. */
const RATE_LIMIT_ATTEMPTS = 5;

type Step = { readonly kind: "start" | "append" | "stop" | "update"; readonly index: number };

function rateLimitMs(error: unknown): number | undefined {
  const cause = error as { code?: unknown; retryAfter?: unknown } | undefined;
  return cause?.code === "slack_webapi_rate_limited_error" && typeof cause.retryAfter === "number" ? cause.retryAfter * 1_000 : undefined;
}

export class NativeSlackStream implements ReplyStream {
  readonly #o: NativeStreamOptions;
  readonly #pieces: Piece[] = [];
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
    // An earlier process's messages: their state is unknown, so each is stopped (if it still streams) and updated.
    for (const ts of adopted) this.#pieces.push({ ts, shown: UNKNOWN, live: true, stamped: false });
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
    return this.#ids();
  }

  async abandon(): Promise<void> {
    this.#abandoned = true;
    this.#o.throttle.hurry(this.#o.key);
    this.#wake?.();
    await this.#pumping;
    if (this.#delegate !== undefined) return this.#delegate.abandon();
    this.#end();
    const { client, target } = this.#o;
    while (this.#pieces.length > 0) {
      await client.chat.delete({ channel: target.channel, ts: this.#pieces.at(-1)!.ts });
      this.#pieces.pop();
    }
    this.#o.listener.onPieces([]);
  }

  #ids(): string[] {
    return this.#pieces.map((piece) => piece.ts);
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

  /** The next call that brings the platform closer to `wanted`, or undefined when it shows it already. */
  #nextStep(wanted: readonly string[]): Step | undefined {
    for (const [index, content] of wanted.entries()) {
      const piece = this.#pieces[index];
      if (piece === undefined) {
        // A continuation: the piece before it stops streaming first.
        const previous = this.#pieces[index - 1];
        return previous?.live === true ? { kind: "stop", index: index - 1 } : { kind: "start", index };
      }
      if (piece.shown === content) continue;
      if (!piece.live) return { kind: "update", index };
      return content.startsWith(piece.shown) ? { kind: "append", index } : { kind: "stop", index };
    }
    return undefined;
  }

  /** Shows the latest text, one paced call at a time, until the stream ends or falls back. */
  async #pump(): Promise<void> {
    for (;;) {
      if (this.#nextStep(this.#wanted()) === undefined && !this.#ended()) await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
      if (this.#ended() || this.#delegate !== undefined) return;
      if (this.#nextStep(this.#wanted()) === undefined) continue;
      await this.#o.throttle.acquire(this.#o.key, this.#o.target.channel, false);
      if (this.#ended()) return;
      // Read again after the wait: the call carries the latest text.
      const wanted = this.#wanted();
      const step = this.#nextStep(wanted);
      if (step === undefined) continue;
      try {
        await this.#run(step, wanted);
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
  #absorb(error: unknown, step: Step): boolean {
    const retryAfter = rateLimitMs(error);
    if (retryAfter !== undefined) {
      this.#o.throttle.backOff(this.#o.target.channel, retryAfter);
      return true;
    }
    const slackError = slackErrorOf(error);
    if ((step.kind === "append" || step.kind === "stop") && slackError === "message_not_in_streaming_state") {
      const piece = this.#pieces[step.index];
      if (piece !== undefined) piece.live = false;
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

  async #run(step: Step, wanted: readonly string[], final?: { metadata?: ReplyMetadata; blocks?: webApi.KnownBlock[] }): Promise<void> {
    const { client, target, threadTs, identity, listener } = this.#o;
    const content = wanted[step.index] ?? "";
    const piece = this.#pieces[step.index];
    switch (step.kind) {
      case "start": {
        const inDm = channelTypeOf(target.channel) === "D";
        if (threadTs === undefined) throw new Error("a stream needs a thread");
        const result = await client.chat.startStream({
          channel: target.channel,
          thread_ts: threadTs,
          markdown_text: content,
          ...(identity.canCustomize ? authorshipOf(target.agent) : {}),
          ...(inDm ? {} : { recipient_user_id: target.recipientUserId ?? "", recipient_team_id: target.workspace }),
        });
        identity.learnScopes(result.response_metadata?.scopes);
        if (result.ts === undefined) throw new Error("chat.startStream answered without a ts");
        this.#pieces.push({ ts: result.ts, shown: content, live: true, stamped: false });
        listener.onPieces(this.#ids());
        // Text has arrived: the "is thinking…" status gives way to it.
        if (step.index === 0) this.#o.status?.pause(target);
        return;
      }
      case "append": {
        const delta = content.slice(piece!.shown.length);
        await client.chat.appendStream({ channel: target.channel, ts: piece!.ts, markdown_text: delta });
        piece!.shown = content;
        return;
      }
      case "stop": {
        // The rest of the piece goes with the stop when it follows what was streamed; otherwise it is updated after.
        const rest = final !== undefined && piece!.shown !== UNKNOWN && content.startsWith(piece!.shown) ? content.slice(piece!.shown.length) : "";
        const stamps = final !== undefined && (rest !== "" || content === piece!.shown);
        await client.chat.stopStream({
          channel: target.channel,
          ts: piece!.ts,
          ...(rest === "" ? {} : { markdown_text: rest }),
          ...(stamps && final.metadata !== undefined ? { metadata: final.metadata } : {}),
          ...(stamps && final.blocks !== undefined ? { blocks: final.blocks } : {}),
        });
        piece!.live = false;
        if (stamps) {
          piece!.shown = content;
          piece!.stamped = true;
        }
        return;
      }
      case "update": {
        await client.chat.update({ channel: target.channel, ts: piece!.ts, markdown_text: content, ...(final?.metadata === undefined ? {} : { metadata: final.metadata }) });
        piece!.shown = content;
        if (final !== undefined) piece!.stamped = true;
        return;
      }
    }
  }

  /**
   * Brings every piece to the exact final text: the live stream stopped with its rest and the reply's metadata, a
   * dropped one updated, a missing piece posted whole, extra ones removed. Safe to call again after a failure.
   */
  async #finalize(finalText: string, replyId: number | undefined): Promise<void> {
    const { client, logger, target, threadTs, identity, math, throttle, key, listener } = this.#o;
    const rendered = math.renderReply(finalText, { maxImages: MAX_REPLY_IMAGES });
    const wanted = markdownPieces(rendered.text, { limit: this.#o.limit, prefix: this.#prefix() });
    const metadataOf = (part: number): ReplyMetadata | undefined =>
      replyId === undefined ? undefined : replyMetadata({ ...target, replyId }, { part, parts: wanted.length });
    this.#formulas ??= rendered.images.length === 0 ? [] : await uploadFormulas({ client, logger }, rendered.images, { replyId: replyId ?? 0 });
    const imageBlocks = this.#formulas.map((formula): webApi.KnownBlock => ({ type: "image", slack_file: { id: formula.fileId }, alt_text: formula.tex.slice(0, 2_000) }));
    for (const [index, content] of wanted.entries()) {
      const metadata = metadataOf(index);
      const last = index === wanted.length - 1;
      const final = { ...(metadata === undefined ? {} : { metadata }), ...(last && imageBlocks.length > 0 ? { blocks: imageBlocks } : {}) };
      await this.#withRetries(async () => {
        const piece = this.#pieces[index];
        if (piece === undefined) {
          await throttle.acquire(key, target.channel, true);
          const result = await client.chat.postMessage({
            channel: target.channel,
            ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
            markdown_text: content,
            unfurl_links: false,
            ...(identity.canCustomize ? authorshipOf(target.agent) : {}),
            ...(metadata === undefined ? {} : { metadata }),
          });
          this.#pieces.push({ ts: result.ts ?? "", shown: content, live: false, stamped: true });
          listener.onPieces(this.#ids());
          return;
        }
        if (piece.live) {
          await throttle.acquire(key, target.channel, true);
          await this.#stop(index, wanted, final);
        }
        if (piece.shown !== content || (!piece.stamped && metadata !== undefined)) {
          await throttle.acquire(key, target.channel, true);
          if (last && imageBlocks.length > 0) logger.warn({ replyId }, "slack: a streamed reply finished by chat.update keeps each formula's TeX without its image");
          await this.#run({ kind: "update", index }, wanted, final);
        }
      });
    }
    while (this.#pieces.length > wanted.length) {
      const extra = this.#pieces.at(-1)!;
      await this.#withRetries(async () => {
        await throttle.acquire(key, target.channel, true);
        await client.chat.delete({ channel: target.channel, ts: extra.ts });
      });
      this.#pieces.pop();
      listener.onPieces(this.#ids());
    }
  }

  /** What the adopted messages show, read from the thread; left unknown when it cannot be read (they are updated). */
  async #readShown(): Promise<void> {
    const { client, target, threadTs, logger } = this.#o;
    if (threadTs === undefined || this.#pieces.every((piece) => piece.shown !== UNKNOWN)) return;
    try {
      const answer = await client.conversations.replies({ channel: target.channel, ts: threadTs, limit: 200 });
      for (const piece of this.#pieces) {
        const text = answer.messages?.find((message) => message.ts === piece.ts)?.text;
        if (piece.shown === UNKNOWN && text !== undefined && text !== "") piece.shown = text;
      }
    } catch (error) {
      logger.debug({ slackError: slackErrorOf(error) }, "slack: could not read a streamed reply back; it is finished by chat.update");
    }
  }

  /**
   * The final stop of a live piece. Slack already ended it (expired, or stopped by an earlier process): it is updated
   * after. Its formula images refused as not yet usable (invalid_blocks): once more after `settleMs`, then without them
   * (the text holds each formula's TeX).
   */
  async #stop(index: number, wanted: readonly string[], final: { metadata?: ReplyMetadata; blocks?: webApi.KnownBlock[] }): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#run({ kind: "stop", index }, wanted, final);
      } catch (error) {
        const slackError = slackErrorOf(error);
        if (slackError === "message_not_in_streaming_state") {
          this.#pieces[index]!.live = false;
          return;
        }
        if (slackError !== "invalid_blocks" || final.blocks === undefined) throw error;
        if (attempt >= 2) {
          this.#o.logger.warn({ files: final.blocks.length }, "slack: the formula images were refused twice (invalid_blocks); the streamed reply keeps each formula's TeX");
          const { blocks: _dropped, ...withoutImages } = final;
          return this.#stop(index, wanted, withoutImages);
        }
        await new Promise((resolve) => setTimeout(resolve, this.#o.settleMs));
      }
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
    await this.#readShown();
    await this.#finalize(finalText, replyId);
    this.#end();
    return this.#ids();
  }
}
