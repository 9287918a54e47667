// Faults the fake Discord can answer with instead of a route: a rate limit (HTTP 429, as Discord sends it) or a server error.

import type { RouteResult } from "./rest-router.js";

export interface FaultOptions {
  readonly method: string;
  /** Matched against the path after /api/v10, e.g. /^\/webhooks\/\d+\/[^/]+$/ for webhook executions. */
  readonly path: RegExp;
  /** How many matching calls get the fault (default 1). */
  readonly times?: number;
}

interface Fault extends FaultOptions {
  remaining: number;
  readonly answer: () => RouteResult;
  /** A 429 that holds: matching calls before this time (ms) are refused too, as Discord refuses them until reset. */
  readonly holdsMs?: number;
  blockedUntil?: number;
}

/**
 * Discord's 429: Retry-After (whole seconds, rounded up) and the X-RateLimit-* headers, and a body with
 * `retry_after` in (fractional) seconds and `global` (docs: topics/rate-limits, "Exceeding A Rate Limit").
 */
export function rateLimited(retryAfterSeconds: number): RouteResult {
  return {
    status: 429,
    headers: {
      "retry-after": String(Math.ceil(retryAfterSeconds)),
      "x-ratelimit-limit": "5",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset-after": String(retryAfterSeconds),
      "x-ratelimit-reset": String(Date.now() / 1000 + retryAfterSeconds),
      "x-ratelimit-bucket": "fakebucket",
      "x-ratelimit-scope": "user",
    },
    body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
  };
}

/** An outage behind Discord's edge: 500 with Discord's JSON error shape. */
export function serverError(): RouteResult {
  return { status: 500, body: { message: "500: Internal Server Error", code: 0 } };
}

export class FaultPlan {
  readonly #faults: Fault[] = [];
  /** Faults answered so far. */
  served = 0;

  add(options: FaultOptions, answer: () => RouteResult): void {
    this.#faults.push({ ...options, remaining: options.times ?? 1, answer });
  }

  /**
   * A rate limit that lasts: each 429 it serves refuses the route's calls for `retryAfterSeconds` more (each such call
   * answered 429 with the time left, and counted), so a client that retries early is refused again.
   */
  addLastingRateLimit(options: FaultOptions & { readonly retryAfterSeconds: number }): void {
    const holdsMs = options.retryAfterSeconds * 1000;
    this.#faults.push({ ...options, remaining: options.times ?? 1, answer: () => rateLimited(options.retryAfterSeconds), holdsMs });
  }

  /** The fault for this call, if one is due (used up as it is answered). */
  take(method: string, path: string): RouteResult | undefined {
    const now = Date.now();
    const matches = (f: Fault): boolean => f.method === method && f.path.test(path);
    const blocking = this.#faults.find((f) => f.blockedUntil !== undefined && f.blockedUntil > now && matches(f));
    if (blocking !== undefined) {
      this.served += 1;
      return rateLimited((blocking.blockedUntil! - now) / 1000);
    }
    const fault = this.#faults.find((f) => f.remaining > 0 && matches(f));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    this.served += 1;
    if (fault.holdsMs !== undefined) fault.blockedUntil = now + fault.holdsMs;
    return fault.answer();
  }
}
