// Keeps a Slack thread's streamed replies in order: a reply's first words wait until the reply before it in the same
// thread is finished (or withdrawn), so triage's narration ends before the tutor's message opens under it.

import { DeliveryError } from "../../bot/delivery-retry.js";
import type { ReplyStream } from "../../bot/ports.js";

/** How long a reply whose finish failed for now holds the thread's next reply back while delivery tries again. */
const RETRY_HOLD_MS = 10_000;

export class ThreadStreamOrder {
  /** Per thread: settles when its latest stream is finished or abandoned. */
  readonly #tails = new Map<string, Promise<void>>();

  /** `open()`'s stream, holding its text back until the thread's previous stream has ended. */
  inOrder(thread: string, open: () => ReplyStream): ReplyStream {
    const previous = this.#tails.get(thread) ?? Promise.resolve();
    let release!: () => void;
    const ended = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => ended);
    this.#tails.set(thread, tail);
    void tail.then(() => {
      if (this.#tails.get(thread) === tail) this.#tails.delete(thread);
    });

    const stream = open();
    let ready = false;
    let held = "";
    void previous.then(() => {
      ready = true;
      if (held !== "") stream.append(held);
      held = "";
    });
    // A finish that failed for now is retried by delivery, and the next reply waits for it; one refused for good (or
    // still failing after RETRY_HOLD_MS) lets the thread's later replies go, so nothing waits forever.
    const settle = async <T>(call: () => Promise<T>): Promise<T> => {
      await previous;
      try {
        const result = await call();
        release();
        return result;
      } catch (error) {
        if (error instanceof DeliveryError && error.code === "delivery_transient") setTimeout(release, RETRY_HOLD_MS).unref();
        else release();
        throw error;
      }
    };
    return {
      append: (text) => {
        if (ready) stream.append(text);
        else held += text;
      },
      restart: () => {
        if (ready) stream.restart();
        else held = "";
      },
      finish: (finalText, replyId) => settle(() => stream.finish(finalText, replyId)),
      abandon: () => settle(() => stream.abandon()),
    };
  }
}
