// The messages of one natively streamed Slack reply: what each shows and whether it still streams, the next call that
// brings them to a wanted text (start, append, stop or update), and the calls themselves.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { StreamListener, StreamTarget } from "../../bot/ports.js";
import { authorshipOf, type AgentIdentityMode } from "./agent-identity.js";
import { slackErrorOf } from "./errors.js";
import type { ReplyMetadata } from "./reply-metadata.js";
import { channelTypeOf } from "./stream-support.js";
import type { SlackThreadStatus } from "./thread-status.js";

export interface StreamMessagesOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly target: StreamTarget;
  /** The thread's ts (streams are always thread replies); undefined only when finishing a top-level DM's messages. */
  readonly threadTs: string | undefined;
  readonly identity: AgentIdentityMode;
  readonly listener: StreamListener;
  readonly status: SlackThreadStatus | undefined;
  /** How long before a stop whose formula images Slack refused (invalid_blocks: the file is not ready) is tried again. */
  readonly settleMs: number;
}

export interface StreamedMessage {
  readonly ts: string;
  /** What the message shows (what the stream was given so far); UNKNOWN for a message an earlier process posted. */
  shown: string;
  /** Still streaming: appends and the stop go to it. */
  live: boolean;
  /** Carries the reply's final metadata. */
  stamped: boolean;
}

/** What the final calls carry: the reply's metadata, and (on the last message) its formula images. */
export interface FinalStamp {
  readonly metadata?: ReplyMetadata;
  readonly blocks?: webApi.KnownBlock[];
}

export type StreamStep = { readonly kind: "start" | "append" | "stop" | "update"; readonly index: number };

const UNKNOWN = "\u0000unknown";

/** The Retry-After of a rate-limited call (the client rejects them, rejectRateLimitedCalls), in milliseconds. */
export function rateLimitMs(error: unknown): number | undefined {
  const cause = error as { code?: unknown; retryAfter?: unknown } | undefined;
  return cause?.code === "slack_webapi_rate_limited_error" && typeof cause.retryAfter === "number" ? cause.retryAfter * 1_000 : undefined;
}

export class SlackStreamMessages {
  readonly #o: StreamMessagesOptions;
  readonly #messages: StreamedMessage[] = [];

  constructor(options: StreamMessagesOptions, adopted: readonly string[] = []) {
    this.#o = options;
    // An earlier process's messages: what they show is unknown, and each may still stream.
    for (const ts of adopted) this.#messages.push({ ts, shown: UNKNOWN, live: true, stamped: false });
  }

  get count(): number {
    return this.#messages.length;
  }

  at(index: number): StreamedMessage | undefined {
    return this.#messages[index];
  }

  ids(): string[] {
    return this.#messages.map((message) => message.ts);
  }

  /** The next call that brings the messages closer to `wanted`, or undefined when they show it already. */
  nextStep(wanted: readonly string[]): StreamStep | undefined {
    for (const [index, content] of wanted.entries()) {
      const message = this.#messages[index];
      if (message === undefined) {
        // A continuation: the message before it stops streaming first.
        const previous = this.#messages[index - 1];
        return previous?.live === true ? { kind: "stop", index: index - 1 } : { kind: "start", index };
      }
      if (message.shown === content) continue;
      if (!message.live) return { kind: "update", index };
      return content.startsWith(message.shown) ? { kind: "append", index } : { kind: "stop", index };
    }
    return undefined;
  }

  /** Makes one call. With `final`, a stop carries the rest of the text and the stamp, an update the stamp. */
  async run(step: StreamStep, wanted: readonly string[], final?: FinalStamp): Promise<void> {
    const { client, target, threadTs, identity, listener } = this.#o;
    const content = wanted[step.index] ?? "";
    const message = this.#messages[step.index];
    switch (step.kind) {
      case "start": {
        if (threadTs === undefined) throw new Error("a stream needs a thread");
        const inDm = channelTypeOf(target.channel) === "D";
        const result = await client.chat.startStream({
          channel: target.channel,
          thread_ts: threadTs,
          markdown_text: content,
          ...(identity.canCustomize ? authorshipOf(target.agent) : {}),
          ...(inDm ? {} : { recipient_user_id: target.recipientUserId ?? "", recipient_team_id: target.workspace }),
        });
        identity.learnScopes(result.response_metadata?.scopes);
        if (result.ts === undefined) throw new Error("chat.startStream answered without a ts");
        this.#messages.push({ ts: result.ts, shown: content, live: true, stamped: false });
        listener.onPieces(this.ids());
        // Text has arrived: the "is thinking…" status gives way to it.
        if (step.index === 0) this.#o.status?.pause(target);
        return;
      }
      case "append": {
        await client.chat.appendStream({ channel: target.channel, ts: message!.ts, markdown_text: content.slice(message!.shown.length) });
        message!.shown = content;
        return;
      }
      case "stop": {
        // The rest of the text goes with the stop when it follows what was streamed; otherwise it is updated after.
        const rest = final !== undefined && message!.shown !== UNKNOWN && content.startsWith(message!.shown) ? content.slice(message!.shown.length) : "";
        const stamps = final !== undefined && (rest !== "" || content === message!.shown);
        await client.chat.stopStream({
          channel: target.channel,
          ts: message!.ts,
          ...(rest === "" ? {} : { markdown_text: rest }),
          ...(stamps && final.metadata !== undefined ? { metadata: final.metadata } : {}),
          ...(stamps && final.blocks !== undefined ? { blocks: final.blocks } : {}),
        });
        message!.live = false;
        if (stamps) {
          message!.shown = content;
          message!.stamped = true;
        }
        return;
      }
      case "update": {
        await client.chat.update({ channel: target.channel, ts: message!.ts, markdown_text: content, ...(final?.metadata === undefined ? {} : { metadata: final.metadata }) });
        message!.shown = content;
        if (final !== undefined) message!.stamped = true;
        return;
      }
    }
  }

  /**
   * The final stop of a live message. Slack already ended it (expired, or stopped by an earlier process): it is
   * updated after. Its formula images refused as not yet usable (invalid_blocks): once more after `settleMs`, then
   * without them (the text holds each formula's TeX).
   */
  async stopFinal(index: number, wanted: readonly string[], final: FinalStamp): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.run({ kind: "stop", index }, wanted, final);
      } catch (error) {
        const slackError = slackErrorOf(error);
        if (slackError === "message_not_in_streaming_state") {
          this.#messages[index]!.live = false;
          return;
        }
        if (slackError !== "invalid_blocks" || final.blocks === undefined) throw error;
        if (attempt >= 2) {
          this.#o.logger.warn({ files: final.blocks.length }, "slack: the formula images were refused twice (invalid_blocks); the streamed reply keeps each formula's TeX");
          const { blocks: _dropped, ...withoutImages } = final;
          return this.stopFinal(index, wanted, withoutImages);
        }
        await new Promise((resolve) => setTimeout(resolve, this.#o.settleMs));
      }
    }
  }

  /** A piece the final text has no room for is posted whole (Markdown, under the agent's name, with the stamp). */
  async postWhole(content: string, metadata: ReplyMetadata | undefined): Promise<void> {
    const { client, target, threadTs, identity, listener } = this.#o;
    const result = await client.chat.postMessage({
      channel: target.channel,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      markdown_text: content,
      unfurl_links: false,
      ...(identity.canCustomize ? authorshipOf(target.agent) : {}),
      ...(metadata === undefined ? {} : { metadata }),
    });
    this.#messages.push({ ts: result.ts ?? "", shown: content, live: false, stamped: true });
    listener.onPieces(this.ids());
  }

  /** Deletes the last message (the final text needs fewer, or the reply was abandoned). */
  async removeLast(): Promise<void> {
    const last = this.#messages.at(-1);
    if (last === undefined) return;
    await this.#o.client.chat.delete({ channel: this.#o.target.channel, ts: last.ts });
    this.#messages.pop();
    this.#o.listener.onPieces(this.ids());
  }

  /** What adopted messages show, read from the thread; left unknown when it cannot be read (they are then updated). */
  async readShown(): Promise<void> {
    const { client, target, threadTs, logger } = this.#o;
    if (threadTs === undefined || this.#messages.every((message) => message.shown !== UNKNOWN)) return;
    try {
      const answer = await client.conversations.replies({ channel: target.channel, ts: threadTs, limit: 200 });
      for (const message of this.#messages) {
        const text = answer.messages?.find((read) => read.ts === message.ts)?.text;
        if (message.shown === UNKNOWN && text !== undefined && text !== "") message.shown = text;
      }
    } catch (error) {
      logger.debug({ slackError: slackErrorOf(error) }, "slack: could not read a streamed reply back; it is finished by chat.update");
    }
  }
}
