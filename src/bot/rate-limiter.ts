// Per-user token buckets: `perMinute` messages a minute, refilled continuously; full buckets are forgotten.

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private calls = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the user may send a message now (0 disables the limit). Does not consume. */
  allows(user: string): boolean {
    return this.perMinute === 0 || this.tokens(user) >= 1;
  }

  /** Consumes one message of the user's allowance. */
  take(user: string): void {
    if (this.perMinute === 0) return;
    this.buckets.set(user, { tokens: this.tokens(user) - 1, at: this.now() });
    if (++this.calls % 1024 === 0) this.sweep();
  }

  private tokens(user: string): number {
    const bucket = this.buckets.get(user);
    if (bucket === undefined) return this.perMinute;
    return Math.min(this.perMinute, bucket.tokens + ((this.now() - bucket.at) * this.perMinute) / 60_000);
  }

  /** A bucket that has refilled is the same as no bucket: drop it, so idle users cost no memory. */
  private sweep(): void {
    for (const user of this.buckets.keys()) if (this.tokens(user) >= this.perMinute) this.buckets.delete(user);
  }
}
