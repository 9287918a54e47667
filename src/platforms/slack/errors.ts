// Errors of the Slack adapter: one class with a stable code, plus the Slack API's own error string when there is one.

import { DeliveryError } from "../../bot/delivery-retry.js";
import { BatonError } from "../../workflow/errors.js";

export type SlackAdapterErrorCode =
  /** auth.test refused the bot token at start-up. */
  | "slack_auth"
  /** The Web API answered ok:false (see `slackError`: channel_not_found, not_in_channel, msg_too_long, …). */
  | "slack_api"
  /** The Web API could not be reached or answered with an HTTP error, after the client's own retries. */
  | "slack_unreachable";

export class SlackAdapterError extends BatonError<SlackAdapterErrorCode> {
  /** Slack's `error` field, e.g. "not_in_channel"; undefined when Slack did not answer. */
  readonly slackError?: string;
  constructor(code: SlackAdapterErrorCode, message: string, options?: { cause?: unknown; slackError?: string }) {
    super(code, message, options);
    if (options?.slackError !== undefined) this.slackError = options.slackError;
  }
}

/** What @slack/web-api attaches to a platform error: `data` holds Slack's JSON answer. */
interface WebApiPlatformError {
  readonly code: string;
  readonly data: { readonly error?: string; readonly needed?: string; readonly provided?: string };
}

function isPlatformError(error: unknown): error is WebApiPlatformError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "slack_webapi_platform_error" &&
    typeof (error as { data?: unknown }).data === "object"
  );
}

/** Slack's error string of a failed Web API call (e.g. "missing_scope"), if Slack answered at all. */
export function slackErrorOf(error: unknown): string | undefined {
  if (error instanceof SlackAdapterError) return error.slackError;
  return isPlatformError(error) ? error.data.error : undefined;
}

/** The scope Slack said was needed, for missing_scope answers. */
export function neededScopeOf(error: unknown): string | undefined {
  return isPlatformError(error) ? error.data.needed : undefined;
}

/** Wraps a failed Web API call in the adapter's error, keeping Slack's error string and the cause. */
export function toSlackAdapterError(method: string, error: unknown): SlackAdapterError {
  if (error instanceof SlackAdapterError) return error;
  const slackError = slackErrorOf(error);
  if (slackError !== undefined) {
    return new SlackAdapterError("slack_api", `Slack ${method} failed: ${slackError}`, { cause: error, slackError });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new SlackAdapterError("slack_unreachable", `Slack ${method} failed: ${reason}`, { cause: error });
}

/** Slack's answers that say "not now" rather than "no": the same call may succeed a moment later. */
const TRANSIENT_ERRORS = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "rate_limited"]);

/**
 * A failed post as the service's DeliveryError: Slack's internal_error and its kin, a 429 (with its Retry-After),
 * an HTTP 5xx or no answer are transient; any other ok:false answer (channel_not_found, is_archived…) is final.
 */
export function slackDeliveryError(method: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const wrapped = toSlackAdapterError(method, error);
  const cause = (error as { code?: unknown; retryAfter?: unknown; statusCode?: unknown }) ?? {};
  if (cause.code === "slack_webapi_rate_limited_error" && typeof cause.retryAfter === "number") {
    return new DeliveryError("delivery_transient", wrapped.message, { cause: wrapped, retryAfterMs: cause.retryAfter * 1_000 });
  }
  if (wrapped.slackError !== undefined) {
    return new DeliveryError(TRANSIENT_ERRORS.has(wrapped.slackError) ? "delivery_transient" : "delivery_refused", wrapped.message, { cause: wrapped });
  }
  return new DeliveryError("delivery_transient", wrapped.message, { cause: wrapped });
}
