// Signals of their own for the turns running under one shutdown signal, all aborted with it.

/** One turn's signal; `close()` when the turn is over, so that the scope forgets it. */
export interface ScopedSignal {
  readonly signal: AbortSignal;
  close(): void;
}

/**
 * Every model call adds an abort listener to the signal it is given (the openai client's fetch, its idle watchdog), and
 * Node's EventTarget walks all of a signal's listeners on every add: with one shutdown signal shared by a thousand turns
 * at once, each call paid for the thousand others (~4% of the CPU of such a burst). Each turn gets a signal of its own
 * instead, made and dropped in O(1) (AbortSignal.any costs a weak reference and a finalizer each), and the scope's one
 * listener on the shutdown signal aborts the turns running when it fires, with its reason.
 */
export class AbortScope {
  readonly #parent: AbortSignal;
  readonly #open = new Set<AbortController>();

  constructor(parent: AbortSignal) {
    this.#parent = parent;
    parent.addEventListener(
      "abort",
      () => {
        for (const controller of this.#open) controller.abort(parent.reason);
        this.#open.clear();
      },
      { once: true },
    );
  }

  /** A signal that aborts when the scope's parent does (at once, if it already has). */
  open(): ScopedSignal {
    const controller = new AbortController();
    if (this.#parent.aborted) {
      controller.abort(this.#parent.reason);
      return { signal: controller.signal, close: () => undefined };
    }
    this.#open.add(controller);
    return { signal: controller.signal, close: () => void this.#open.delete(controller) };
  }

  get parent(): AbortSignal {
    return this.#parent;
  }

  /** Signals open now (for tests and diagnostics). */
  get size(): number {
    return this.#open.size;
  }
}
