// Errors of the engine and its ports: one base class with a stable code, subclasses by whose fault it is.

export type BatonErrorCode =
  | "configuration"
  | "workflow_definition"
  | "model_unavailable"
  | "model_rate_limited"
  | "model_auth"
  | "model_bad_request"
  | "model_content_filtered"
  | "model_refuses_images"
  | "model_behavior"
  | "aborted"
  | "input_rejected"
  | "storage";

/** `C` lets an adapter keep its own codes (e.g. "discord_login_failed") under the one base class. */
export class BatonError<C extends string = BatonErrorCode> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The caller built something invalid: a graph, a configuration, an agents file. */
export class UserError extends BatonError {
  constructor(message: string, options?: { cause?: unknown; code?: "configuration" | "workflow_definition" }) {
    super(options?.code ?? "workflow_definition", message, options);
  }
}

/** The model service failed (after the client's own retries): unavailable, rate limited, refused. */
export class ModelError extends BatonError {
  readonly status?: number;
  constructor(
    code: "model_unavailable" | "model_rate_limited" | "model_auth" | "model_bad_request" | "model_refuses_images",
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(code, message, options);
    if (options?.status !== undefined) this.status = options.status;
  }
}

/**
 * The model's stream broke after it had started (connection cut, silent past the idle timeout, ended unfinished):
 * the client's own retries are over by then (they cover the request up to its response headers), so the engine asks
 * for the step once more, discarding the partial text. Still `model_unavailable` for everyone else.
 */
export class ModelStreamInterruptedError extends ModelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_unavailable", message, options);
  }
}

/**
 * The model service's own content filter (Azure OpenAI's) refused the prompt (`input`) or stopped the answer
 * (`output`); `categories` maps each filtered category to a 0..1 score, in the moderation endpoint's names.
 */
export class ContentFilterError extends BatonError {
  readonly source: "input" | "output";
  readonly categories: Readonly<Record<string, number>>;
  constructor(source: "input" | "output", categories: Readonly<Record<string, number>>, options?: { cause?: unknown }) {
    const names = Object.keys(categories).join(", ") || "unspecified";
    super("model_content_filtered", `The model service's content filter stopped the ${source === "input" ? "prompt" : "answer"} (${names}).`, options);
    this.source = source;
    this.categories = categories;
  }
}

/** The model answered, but with something the engine cannot use. */
export class ModelBehaviorError extends BatonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_behavior", message, options);
  }
}

/** The run was cancelled through its AbortSignal. */
export class RunAbortedError extends BatonError {
  constructor(message = "The run was aborted.", options?: { cause?: unknown }) {
    super("aborted", message, options);
  }
}
