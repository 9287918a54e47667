// How a failed reply post is retried in-process: which failures are worth another try, and how long to wait first.

import { BatonError } from "../workflow/errors.js";

export type DeliveryErrorCode =
  /** The platform failed or was busy (5xx, 429, internal_error, no answer): another try may well succeed. */
  | "delivery_transient"
  /** The platform refused the reply for good (channel gone, no permission, too long): retrying cannot help. */
  | "delivery_refused";

/** What a platform adapter throws when a post fails, so the service knows whether (and when) to try again. */
export class DeliveryError extends BatonError<DeliveryErrorCode> {
  /** How long the platform asked us to wait (Retry-After, retry_after), in milliseconds. */
  readonly retryAfterMs?: number;
  constructor(code: DeliveryErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(code, message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export interface RetryPolicy {
  /** The first wait; each later one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

/**
 * The wait before attempt `failures + 1`, or undefined when the failure is final. An error that is not a
 * DeliveryError (a network error, a bug in a fake) counts as transient: the attempt limit still bounds it.
 */
export function retryDelay(error: unknown, failures: number, policy: RetryPolicy): number | undefined {
  if (error instanceof DeliveryError && error.code === "delivery_refused") return undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** Math.max(failures - 1, 0), policy.maxDelayMs);
  const asked = error instanceof DeliveryError ? error.retryAfterMs : undefined;
  // The platform's own figure wins when it asks for longer; it is capped so a bogus header cannot park a reply for hours.
  return asked === undefined ? backoff : Math.min(Math.max(asked, backoff), Math.max(policy.maxDelayMs, 60_000));
}

/** Resolves true after `ms`, or false at once when `signal` aborts first (a shutdown ends the wait between attempts). */
export function waitBeforeRetry(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
