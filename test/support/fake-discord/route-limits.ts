// Discord's per-route rate limits, as the fake enforces them when asked: a bucket per top-level resource (here the
// webhook id of /webhooks/{id}/{token}/…), X-RateLimit-* headers on every answer, and a 429 with retry_after once the
// bucket is empty (docs: topics/rate-limits, "Header Format" and "Exceeding A Rate Limit").

import type { RouteResult } from "./rest-router.js";

export interface RouteLimitOptions {
  /** Calls allowed per window on one bucket. */
  readonly calls: number;
  readonly windowMs: number;
}

interface Bucket {
  resetAt: number;
  used: number;
}

/** The bucket of a call, or undefined when it is not limited: webhook routes, by webhook id. */
function bucketOf(method: string, path: string): string | undefined {
  const match = /^\/webhooks\/(\d+)\/[^/]+(\/messages\/[^/]+)?$/.exec(path);
  if (match === null || method === "GET") return undefined;
  return `${match[2] === undefined ? "execute" : "message"}:${match[1]}`;
}

export class RouteLimits {
  private readonly buckets = new Map<string, Bucket>();
  /** Calls answered 429 so far. */
  refused = 0;

  constructor(
    private readonly options: RouteLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the call: a 429 when its bucket is empty, else the headers to add to the route's answer. */
  take(method: string, path: string): { refusal?: RouteResult; headers?: Record<string, string> } {
    const name = bucketOf(method, path);
    if (name === undefined) return {};
    const now = this.now();
    let bucket = this.buckets.get(name);
    if (bucket === undefined || bucket.resetAt <= now) {
      bucket = { resetAt: now + this.options.windowMs, used: 0 };
      this.buckets.set(name, bucket);
    }
    const resetAfter = (bucket.resetAt - now) / 1000;
    if (bucket.used >= this.options.calls) {
      this.refused += 1;
      return {
        refusal: {
          status: 429,
          headers: { ...this.headers(name, 0, resetAfter, bucket.resetAt), "retry-after": String(Math.ceil(resetAfter)), "x-ratelimit-scope": "user" },
          body: { message: "You are being rate limited.", retry_after: resetAfter, global: false },
        },
      };
    }
    bucket.used += 1;
    return { headers: this.headers(name, this.options.calls - bucket.used, resetAfter, bucket.resetAt) };
  }

  private headers(name: string, remaining: number, resetAfter: number, resetAt: number): Record<string, string> {
    return {
      "x-ratelimit-limit": String(this.options.calls),
      "x-ratelimit-remaining": String(remaining),
      "x-ratelimit-reset-after": resetAfter.toFixed(3),
      "x-ratelimit-reset": (resetAt / 1000).toFixed(3),
      "x-ratelimit-bucket": Buffer.from(name.split(":")[0]!).toString("hex"),
    };
  }
}
