// One busy indicator for every adapter ("typing…" on Discord, "is thinking…" on Slack), driven by the envelope's
// observer: counted per thread, renewed while it lasts, cleared after; cosmetic, so its failures stay quiet.

import type { Logger } from "pino";

/** How a platform shows and clears the indicator on one target (a thread). */
export interface BusySignal<T> {
  show(target: T): Promise<void>;
  /** Absent: the indicator fades by itself (Discord's lasts about 10 s). */
  clear?(target: T): Promise<void>;
}

export interface BusyIndicatorOptions<T> {
  readonly signal: BusySignal<T>;
  /** Identifies a target: work on the same thread shares one indicator. */
  readonly key: (target: T) => string;
  /** Shown again this often while busy (an indicator that fades); absent: shown once, cleared at the end. */
  readonly renewMs?: number;
  /** A refusal after which the platform will never show it (no scope, old workspace): the indicator switches off. */
  readonly permanent?: (error: unknown) => boolean;
  readonly logger: Logger;
  /** Names the indicator in the one log line its first failure gets, e.g. "discord typing indicator". */
  readonly name: string;
}

interface Active<T> {
  count: number;
  /** How the indicator is shown now: the latest `working` target (e.g. with the agent about to write). */
  target: T;
  /** The agent's words are showing (paused): a change of target waits for the next refresh. */
  paused: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Calls for one target are chained so a clear never overtakes the show before it; callers are never delayed by them.
 * The first failure is logged at debug level and later ones not at all.
 */
export class BusyIndicator<T> {
  readonly #options: BusyIndicatorOptions<T>;
  readonly #active = new Map<string, Active<T>>();
  readonly #chains = new Map<string, Promise<void>>();
  #loggedFailure = false;
  #disabled = false;

  constructor(options: BusyIndicatorOptions<T>) {
    this.#options = options;
  }

  /** Work starts on the target. */
  start(target: T): void {
    const key = this.#options.key(target);
    const active = this.#active.get(key);
    if (active !== undefined) {
      active.count++;
      return;
    }
    const started: Active<T> = { count: 1, target, paused: false };
    const { renewMs } = this.#options;
    if (renewMs !== undefined) {
      started.timer = setInterval(() => void this.#enqueue(key, () => this.#options.signal.show(started.target)), renewMs);
      started.timer.unref();
    }
    this.#active.set(key, started);
    void this.#enqueue(key, () => this.#options.signal.show(target));
  }

  /**
   * The work on the target's key changed hands (Slack: another agent is about to write): shown from now on as `target`,
   * at once unless the agent's words are showing (then at the next refresh).
   */
  working(target: T): void {
    const active = this.#active.get(this.#options.key(target));
    if (active === undefined) return;
    active.target = target;
    if (!active.paused) void this.#enqueue(this.#options.key(target), () => this.#options.signal.show(target));
  }

  /** Something the platform clears the indicator on happened (Slack: a reply was posted): shown again while work goes on. */
  refresh(target: T): void {
    const key = this.#options.key(target);
    const active = this.#active.get(key);
    if (active === undefined) return;
    active.paused = false;
    const shown = active.target;
    void this.#enqueue(key, () => this.#options.signal.show(shown));
  }

  /**
   * The agent's own words are showing (its reply streams): the indicator gives way to them while work goes on; the next
   * refresh (or renewal) shows it again.
   */
  pause(target: T): void {
    const key = this.#options.key(target);
    const active = this.#active.get(key);
    const { clear } = this.#options.signal;
    if (active === undefined || clear === undefined) return;
    active.paused = true;
    const shown = active.target;
    void this.#enqueue(key, () => clear.call(this.#options.signal, shown));
  }

  /** Work on the target ended; resolves once the indicator is cleared (or clearing failed). */
  end(target: T): Promise<void> {
    const key = this.#options.key(target);
    const active = this.#active.get(key);
    if (active !== undefined && active.count > 1) {
      active.count--;
      return this.#chains.get(key) ?? Promise.resolve();
    }
    if (active?.timer !== undefined) clearInterval(active.timer);
    this.#active.delete(key);
    const { clear } = this.#options.signal;
    if (clear === undefined) return this.#chains.get(key) ?? Promise.resolve();
    const shown = active?.target ?? target;
    return this.#enqueue(key, () => clear.call(this.#options.signal, shown));
  }

  #enqueue(key: string, call: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#send(call));
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
    return next;
  }

  async #send(call: () => Promise<void>): Promise<void> {
    if (this.#disabled) return;
    try {
      await call();
    } catch (error) {
      if (this.#options.permanent?.(error) === true) this.#disabled = true;
      if (!this.#loggedFailure) {
        this.#loggedFailure = true;
        this.#options.logger.debug({ err: error }, `${this.#options.name} unavailable; continuing without it`);
      }
    }
  }
}
