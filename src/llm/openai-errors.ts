// Maps whatever the openai client throws to Baton's typed errors, by error class and HTTP status only.

import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { BatonError, ModelError, RunAbortedError } from "../workflow/errors.js";
import { promptFilterError } from "./azure-content-filter.js";

type ModelErrorCode = ConstructorParameters<typeof ModelError>[0];

function codeForStatus(status: number): ModelErrorCode {
  if (status === 429) return "model_rate_limited";
  if (status === 401 || status === 403) return "model_auth";
  // 408/409 are transient (the client retries them); other 4xx mean the request itself was refused.
  if (status >= 400 && status < 500 && status !== 408 && status !== 409) return "model_bad_request";
  return "model_unavailable";
}

/** A Baton error carried as the cause (e.g. thrown by our token provider and wrapped by the client). */
function batonCause(error: unknown): BatonError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof BatonError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * The message is built here, never copied from the service: a 401 body may echo part of the key.
 * For refused requests the service's explanation (which names the bad parameter) is kept.
 */
function describe(error: APIError, code: ModelErrorCode): string {
  const status = error.status ?? "no status";
  const detail = [error.type, error.code].filter((part) => typeof part === "string" && part !== "").join("/");
  const suffix = detail === "" ? "" : ` (${detail})`;
  if (code === "model_bad_request") {
    const explanation = readServiceMessage(error.error);
    return `The model service refused the request: HTTP ${status}${suffix}${explanation ? `: ${explanation}` : ""}`;
  }
  if (code === "model_auth") return `The model service refused our credentials: HTTP ${status}${suffix}`;
  if (code === "model_rate_limited") return `The model service is rate limiting us: HTTP ${status}${suffix}`;
  return `The model service failed: HTTP ${status}${suffix}`;
}

function readServiceMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("message" in body)) return undefined;
  return typeof body.message === "string" ? body.message : undefined;
}

/**
 * A model without vision answers a request with an image part with a 400 whose message names the image input
 * ("Invalid content type. image_url is only supported by certain models", "This model does not support image
 * input"). Nothing but the message says so (the `param` names the image part for any problem with it, a bad data
 * URL too), so it is read once here, for this one code.
 */
function refusesImages(error: APIError): boolean {
  const text = (readServiceMessage(error.error) ?? "").toLowerCase();
  return /image_url is only supported|(does not|doesn't) support (image|vision)|image input is not supported|images? (are|is) not supported|not a (multimodal|vision) model/.test(text);
}

/** Turns any failure of a model request into a BatonError; `signal` tells an abort from a cut connection. */
export function batonErrorFromOpenAI(error: unknown, signal?: AbortSignal): BatonError {
  if (error instanceof BatonError) return error;
  if (signal?.aborted || error instanceof APIUserAbortError) {
    return new RunAbortedError("The model request was aborted.", { cause: error });
  }
  const carried = batonCause(error);
  if (carried !== undefined) return carried;
  if (error instanceof APIConnectionError) {
    return new ModelError("model_unavailable", "Could not reach the model service (connection failed or timed out).", {
      cause: error,
    });
  }
  if (error instanceof APIError) {
    // An error event inside a stream has no status: the service failed mid-answer.
    if (error.status === undefined) {
      return new ModelError("model_unavailable", describe(error, "model_unavailable"), { cause: error });
    }
    // Azure's content filter refuses with a 400 too; it is a finding about the student's message, not a bad request.
    const filtered = error.status === 400 ? promptFilterError(error.error, error) : undefined;
    if (filtered !== undefined) return filtered;
    const code = codeForStatus(error.status);
    if (code === "model_bad_request" && refusesImages(error)) {
      return new ModelError("model_refuses_images", describe(error, code), { cause: error, status: error.status });
    }
    return new ModelError(code, describe(error, code), { cause: error, status: error.status });
  }
  // Anything else comes from the transport or a garbled stream (socket closed, invalid JSON in an event).
  return new ModelError("model_unavailable", "The connection to the model service failed mid-response.", { cause: error });
}
