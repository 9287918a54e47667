// The fake OpenAI server's POST /v1/moderations: strict to the real request and response schema, scripted per input.

import type { IncomingHttpHeaders } from "node:http";
import type { ModerationCreateResponse } from "openai/resources/moderations";
import type { FakeFailure } from "./fake-openai-server.js";
import type { RequestProblem } from "./fake-openai-validate.js";
import { HeldCalls, type Hold } from "./held-calls.js";

/** Every category the omni model reports, with the input types its score can apply to. */
const CATEGORIES: Readonly<Record<string, readonly ("text" | "image")[]>> = {
  harassment: ["text"],
  "harassment/threatening": ["text"],
  hate: ["text"],
  "hate/threatening": ["text"],
  illicit: ["text"],
  "illicit/violent": ["text"],
  "self-harm": ["text", "image"],
  "self-harm/instructions": ["text", "image"],
  "self-harm/intent": ["text", "image"],
  sexual: ["text", "image"],
  "sexual/minors": ["text"],
  violence: ["text", "image"],
  "violence/graphic": ["text", "image"],
};
const MODELS = new Set(["omni-moderation-latest", "omni-moderation-2024-09-26", "text-moderation-latest", "text-moderation-stable"]);
/** The real endpoint flags a category at roughly this score; scripts give scores, the fake derives the booleans. */
const FLAG_AT = 0.5;

/** One input as the endpoint sees it: a string, or the text and images of a multi-modal array. */
export interface ModerationSubject {
  readonly text: string;
  readonly imageUrls: readonly string[];
}

export interface RecordedModeration {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly subjects: readonly ModerationSubject[];
  rejection?: string;
}

/** Category scores for one input (unlisted categories score ~0), or a failure for the whole request. */
export type ModerationScript = Readonly<Partial<Record<string, number>>>;

export interface FakeModerations {
  readonly requests: readonly RecordedModeration[];
  /** Inputs whose text contains `match` (case-insensitive) get these scores; later scripts win. */
  script(match: string, scores: ModerationScript): void;
  /** Until cleared (undefined), every request fails like this (an outage, a 429). */
  failWith(failure: FakeFailure | undefined): void;
  /** Holds requests open (recorded, unanswered) until released: a slow service, or a process killed mid-call. */
  hold(): Hold;
}

export interface ModerationHandler extends FakeModerations {
  /** The response for a parsed body: status and JSON, after recording it. */
  answer(headers: IncomingHttpHeaders, body: unknown): { status: number; json: unknown; retryAfterSeconds?: number };
  /** Resolves once no hold keeps the request waiting (at once without one). */
  released(): Promise<void>;
}

export function createModerationHandler(): ModerationHandler {
  const requests: RecordedModeration[] = [];
  const scripts: Array<{ match: string; scores: ModerationScript }> = [];
  let failure: FakeFailure | undefined;
  let counter = 0;
  const held = new HeldCalls();

  const scoresFor = (subject: ModerationSubject): ModerationScript => {
    const text = subject.text.toLowerCase();
    return scripts.findLast((s) => text.includes(s.match.toLowerCase()))?.scores ?? {};
  };

  return {
    requests,
    script: (match, scores) => void scripts.push({ match, scores }),
    failWith: (next) => void (failure = next),
    hold: () => held.hold("moderations"),
    released: () => held.wait("moderations"),
    answer(headers, body) {
      const parsed = parseRequest(body);
      const recorded: RecordedModeration = { headers, body, subjects: "problem" in parsed ? [] : parsed.subjects };
      requests.push(recorded);
      if ("problem" in parsed) {
        recorded.rejection = parsed.problem.message;
        return { status: 400, json: { error: { ...parsed.problem, type: "invalid_request_error" } } };
      }
      if (typeof headers.authorization !== "string" || !/^Bearer \S+$/.test(headers.authorization)) {
        const error = { message: "You didn't provide an API key.", type: "invalid_request_error", param: null, code: null };
        return { status: 401, json: { error } };
      }
      if (failure !== undefined) {
        const type = failure.status === 429 ? "rate_limit_exceeded" : failure.status >= 500 ? "server_error" : "invalid_request_error";
        const error = { message: failure.message ?? `Fake failure ${failure.status}`, type, param: null, code: failure.code ?? null };
        return { status: failure.status, json: { error }, ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) };
      }
      counter++;
      const response: ModerationCreateResponse = {
        id: `modr-${counter}`,
        // The endpoint answers with the dated model the alias resolves to.
        model: parsed.model === "omni-moderation-latest" ? "omni-moderation-2024-09-26" : parsed.model,
        results: parsed.subjects.map((subject) => result(subject, scoresFor(subject), parsed.model.startsWith("omni"))),
      };
      return { status: 200, json: response };
    },
  };
}

function result(subject: ModerationSubject, scripted: ModerationScript, omni: boolean): ModerationCreateResponse["results"][number] {
  const categories: Record<string, boolean | null> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, Array<"text" | "image">> = {};
  for (const [name, types] of Object.entries(CATEGORIES)) {
    const legacyMissing = !omni && name.startsWith("illicit");
    const score = legacyMissing ? 0 : (scripted[name] ?? 0.000_01);
    scores[name] = score;
    categories[name] = legacyMissing ? null : score >= FLAG_AT;
    applied[name] = types.filter((type) => (type === "text" ? subject.text !== "" : subject.imageUrls.length > 0));
  }
  return {
    flagged: Object.values(categories).some((flag) => flag === true),
    categories: categories as unknown as ModerationCreateResponse["results"][number]["categories"],
    category_scores: scores as unknown as ModerationCreateResponse["results"][number]["category_scores"],
    category_applied_input_types: applied as unknown as ModerationCreateResponse["results"][number]["category_applied_input_types"],
  };
}

type Parsed = { model: string; subjects: ModerationSubject[] } | { problem: RequestProblem };

const invalid = (message: string, param: string | null, code: string | null = "invalid_value"): { problem: RequestProblem } => ({
  problem: { message, param, code },
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What the real endpoint refuses: unknown arguments, a missing or mistyped input, mixed or malformed parts, images for a text model. */
function parseRequest(body: unknown): Parsed {
  if (!isRecord(body)) return invalid("The request body must be a JSON object.", null, null);
  for (const key of Object.keys(body)) {
    if (key !== "input" && key !== "model") return invalid(`Unrecognized request argument supplied: ${key}`, null, null);
  }
  const model = body.model ?? "omni-moderation-latest";
  if (typeof model !== "string" || !MODELS.has(model)) {
    return invalid(`The model '${String(model)}' does not exist or you do not have access to it.`, "model", "model_not_found");
  }
  const { input } = body;
  if (input === undefined) return invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  if (typeof input === "string") return { model, subjects: [{ text: input, imageUrls: [] }] };
  if (!Array.isArray(input)) return invalid("Invalid type for 'input': expected a string, an array of strings or an array of objects.", "input", "invalid_type");
  if (input.length === 0) return invalid("Invalid 'input': empty array. Expected an array with minimum length 1.", "input", "empty_array");
  if (input.every((item) => typeof item === "string")) return { model, subjects: input.map((text) => ({ text, imageUrls: [] })) };
  let text = "";
  const imageUrls: string[] = [];
  for (const [i, part] of input.entries()) {
    const param = `input[${i}]`;
    if (!isRecord(part)) return invalid(`Invalid type for '${param}': expected an object (strings and objects cannot be mixed).`, param, "invalid_type");
    if (part.type === "text") {
      if (typeof part.text !== "string") return invalid(`Missing required parameter: '${param}.text'.`, `${param}.text`, "missing_required_parameter");
      text += (text === "" ? "" : "\n") + part.text;
    } else if (part.type === "image_url") {
      const url = isRecord(part.image_url) ? part.image_url.url : undefined;
      if (typeof url !== "string" || !/^(https?:|data:image\/)/.test(url)) {
        return invalid(`Invalid '${param}.image_url.url': expected an http(s) URL or a data:image/ URL.`, `${param}.image_url.url`);
      }
      imageUrls.push(url);
    } else {
      return invalid(`Invalid value: '${String(part.type)}'. Supported values are: 'text' and 'image_url'.`, `${param}.type`);
    }
  }
  if (imageUrls.length > 0 && !model.startsWith("omni")) {
    return invalid(`The model '${model}' does not support image inputs; use omni-moderation-latest.`, "model", null);
  }
  return { model, subjects: [{ text, imageUrls }] };
}
