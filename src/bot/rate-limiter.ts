// Per-user token buckets: `perMinute` messages a minute, refilled continuously; full buckets are forgotten.

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** When each user was last told they are over the limit. */
  private readonly noticed = new Map<string, number>();
  private calls = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the user may send a message now (0 disables the limit). Does not consume. */
  allows(user: string): boolean {
    return this.perMinute === 0 || this.tokens(user) >= 1;
  }

  /**
   * Whether a refused user should be told now: once per window (a minute) per user, so a flood gets one notice, not
   * one per message. Records the notice when it says yes.
   */
  noticeDue(user: string): boolean {
    const last = this.noticed.get(user);
    if (last !== undefined && this.now() - last < WINDOW_MS) return false;
    this.noticed.set(user, this.now());
    return true;
  }

  /** Consumes one message of the user's allowance. */
  take(user: string): void {
    if (this.perMinute === 0) return;
    this.buckets.set(user, { tokens: this.tokens(user) - 1, at: this.now() });
    if (++this.calls % 1024 === 0) this.sweep();
  }

  /** Returns one taken message's allowance (it was not stored after all: a duplicate, or never saved). */
  giveBack(user: string): void {
    if (this.perMinute === 0) return;
    this.buckets.set(user, { tokens: Math.min(this.perMinute, this.tokens(user) + 1), at: this.now() });
  }

  private tokens(user: string): number {
    const bucket = this.buckets.get(user);
    if (bucket === undefined) return this.perMinute;
    return Math.min(this.perMinute, bucket.tokens + ((this.now() - bucket.at) * this.perMinute) / WINDOW_MS);
  }

  /** A bucket that has refilled is the same as no bucket: drop it, so idle users cost no memory. */
  private sweep(): void {
    for (const user of this.buckets.keys()) if (this.tokens(user) >= this.perMinute) this.buckets.delete(user);
    for (const [user, at] of this.noticed) if (this.now() - at >= WINDOW_MS) this.noticed.delete(user);
  }
}
