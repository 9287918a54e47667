// Paces the edits (and posts) of streamed replies: at most one per message per interval, and a budget per shared key
// (Discord: the parent channel's webhook; Slack: the channel) that all messages on it draw from, slowed down further
// when the platform says so (rate-limit headers, 429 retry_after).

export interface EditThrottleOptions {
  /** The least time between two calls for one message (the first goes at once). */
  readonly perMessageMs: number;
  /** At most `calls` per `windowMs` across every message sharing a key. */
  readonly shared: { readonly calls: number; readonly windowMs: number };
  readonly now?: () => number;
}

interface Budget {
  /** When the last `calls` calls were let through, oldest first. */
  readonly recent: number[];
  /** The platform asked for a pause until then. */
  blockedUntil: number;
}

export class EditThrottle {
  private readonly lastCall = new Map<string, number>();
  private readonly budgets = new Map<string, Budget>();
  /** Messages whose final edit is due: their waits end at once and skip the per-message interval. */
  private readonly hurried = new Set<string>();
  private readonly sleepers = new Map<string, Set<() => void>>();
  private readonly now: () => number;

  constructor(private readonly options: EditThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Resolves when a call for `message` on `shared` may go (and counts it). `urgent` (a final edit) skips the
   * per-message interval, never the shared budget or the platform's pause.
   */
  async acquire(message: string, shared: string, urgent = false): Promise<void> {
    for (;;) {
      const wait = this.waitFor(message, shared, urgent || this.hurried.has(message));
      if (wait <= 0) break;
      await this.sleep(message, wait);
    }
    const at = this.now();
    this.lastCall.set(message, at);
    const budget = this.budget(shared);
    budget.recent.push(at);
    if (budget.recent.length > this.options.shared.calls) budget.recent.shift();
  }

  /** The platform said to wait (`retryAfterMs` from now) before the next call on `shared`. */
  backOff(shared: string, retryAfterMs: number): void {
    const budget = this.budget(shared);
    budget.blockedUntil = Math.max(budget.blockedUntil, this.now() + retryAfterMs);
  }

  /** The message's final edit is due: a partial edit waiting for its interval goes (or gives way) at once. */
  hurry(message: string): void {
    this.hurried.add(message);
    for (const wake of this.sleepers.get(message) ?? []) wake();
  }

  /** A message is done: its interval is forgotten. */
  release(message: string): void {
    this.lastCall.delete(message);
    this.hurried.delete(message);
  }

  private sleep(message: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleepers = this.sleepers.get(message) ?? new Set<() => void>();
      this.sleepers.set(message, sleepers);
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        if (sleepers.size === 0) this.sleepers.delete(message);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  private waitFor(message: string, shared: string, urgent: boolean): number {
    const now = this.now();
    const budget = this.budget(shared);
    let wait = budget.blockedUntil - now;
    const last = this.lastCall.get(message);
    if (!urgent && last !== undefined) wait = Math.max(wait, last + this.options.perMessageMs - now);
    const { calls, windowMs } = this.options.shared;
    if (budget.recent.length >= calls) wait = Math.max(wait, budget.recent[0]! + windowMs - now);
    return wait;
  }

  private budget(shared: string): Budget {
    let budget = this.budgets.get(shared);
    if (budget === undefined) {
      budget = { recent: [], blockedUntil: 0 };
      this.budgets.set(shared, budget);
    }
    return budget;
  }
}
