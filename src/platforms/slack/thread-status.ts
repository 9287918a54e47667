// The "is thinking…" indicator under a thread (assistant.threads.setStatus): cosmetic, so failures stay quiet.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import { slackErrorOf } from "./errors.js";

export interface ThreadStatusOptions {
  /** A client that does not wait out rate limits: a late status is worse than none. */
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly text?: string;
}

interface SlackThread {
  readonly channel: string;
  readonly thread: string;
}

/** Answers after which the method will not work for this app at all, so calling it again is pointless. */
const PERMANENT = new Set(["missing_scope", "not_allowed_token_type", "unknown_method", "method_deprecated", "invalid_auth", "not_authed", "token_revoked"]);

/**
 * Shows a status while agents work on a thread and clears it afterwards. Calls for one thread are chained so a
 * clear never overtakes the set before it; callers are never delayed by them. The first failure is logged at
 * debug level and later ones not at all; a permanent refusal (no scope, old workspace) switches the feature off.
 */
export class ThreadStatusIndicator {
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #text: string;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #active = new Map<string, number>();
  #loggedFailure = false;
  #disabled = false;

  constructor(options: ThreadStatusOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#text = options.text ?? "is thinking…";
  }

  /** Agents start working on the thread. */
  begin(ref: SlackThread): void {
    const key = `${ref.channel}/${ref.thread}`;
    this.#active.set(key, (this.#active.get(key) ?? 0) + 1);
    void this.#enqueue(ref, this.#text);
  }

  /** A reply was just posted, which clears Slack's status; show it again while work goes on. */
  refresh(ref: SlackThread): void {
    if ((this.#active.get(`${ref.channel}/${ref.thread}`) ?? 0) > 0) void this.#enqueue(ref, this.#text);
  }

  /** An agent's words are showing (its reply streams): the status gives way to them while work goes on. */
  pause(ref: SlackThread): void {
    if ((this.#active.get(`${ref.channel}/${ref.thread}`) ?? 0) > 0) void this.#enqueue(ref, "");
  }

  /** Work on the thread ended; resolves once the status has been cleared (or clearing failed). */
  end(ref: SlackThread): Promise<void> {
    const key = `${ref.channel}/${ref.thread}`;
    const left = (this.#active.get(key) ?? 1) - 1;
    if (left > 0) {
      this.#active.set(key, left);
      return this.#chains.get(key) ?? Promise.resolve();
    }
    this.#active.delete(key);
    return this.#enqueue(ref, "");
  }

  #enqueue(ref: SlackThread, status: string): Promise<void> {
    const key = `${ref.channel}/${ref.thread}`;
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#send(ref, status));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
    return next;
  }

  async #send(ref: SlackThread, status: string): Promise<void> {
    if (this.#disabled) return;
    try {
      await this.#client.assistant.threads.setStatus({ channel_id: ref.channel, thread_ts: ref.thread, status });
    } catch (error) {
      const slackError = slackErrorOf(error);
      if (slackError !== undefined && PERMANENT.has(slackError)) this.#disabled = true;
      if (!this.#loggedFailure) {
        this.#loggedFailure = true;
        this.#logger.debug({ slackError, err: slackError === undefined ? error : undefined }, "slack thread status unavailable; continuing without it");
      }
    }
  }
}
