// The fake OpenAI server's checks of content parts (text, image_url), and a reader of the images a request carried.

import type { RequestProblem } from "./fake-openai-validate.js";
import type { RecordedRequest } from "./fake-openai-server.js";

/** What the real API takes as an inline image: a base64 data URL of one of these types, at most 20 MB decoded. */
const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif"]);
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const DETAILS = new Set(["auto", "low", "high"]);
/** Parts each role may carry (audio and file parts are not used by Baton and are refused here). */
const PARTS_BY_ROLE: Readonly<Record<string, ReadonlySet<string>>> = {
  system: new Set(["text"]),
  developer: new Set(["text"]),
  user: new Set(["text", "image_url"]),
  assistant: new Set(["text", "refusal"]),
  tool: new Set(["text"]),
};

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function problem(message: string, param: string, code: string | null = "invalid_value"): RequestProblem {
  return { message, param, code };
}

/** The magic bytes of each accepted type: the real API decodes the image and refuses one that is not what it says. */
function sniff(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  if (/^GIF8[79]a$/.test(bytes.subarray(0, 6).toString("latin1"))) return "image/gif";
  return undefined;
}

/** The first problem with an array content, or undefined. */
export function findPartsProblem(role: string, parts: readonly unknown[], param: string): RequestProblem | undefined {
  if (parts.length === 0) {
    return problem(`Invalid '${param}.content': empty array. Expected an array with minimum length 1, but got an empty array instead.`, `${param}.content`, "empty_array");
  }
  const allowed = PARTS_BY_ROLE[role] ?? new Set(["text"]);
  for (const [k, part] of parts.entries()) {
    const at = `${param}.content[${k}]`;
    if (!isRecord(part) || typeof part.type !== "string") return problem(`Invalid type for '${at}': expected an object.`, at, "invalid_type");
    if (!allowed.has(part.type)) {
      return problem(`Invalid '${at}.type': '${part.type}' content is not supported for messages with role '${role}'.`, `${at}.type`);
    }
    if (part.type === "text" && typeof part.text !== "string") return problem(`Missing required parameter: '${at}.text'.`, `${at}.text`, "missing_required_parameter");
    if (part.type === "image_url") {
      const found = findImageProblem(part.image_url, `${at}.image_url`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function findImageProblem(image: unknown, at: string): RequestProblem | undefined {
  if (!isRecord(image) || typeof image.url !== "string") return problem(`Missing required parameter: '${at}.url'.`, `${at}.url`, "missing_required_parameter");
  if (image.detail !== undefined && (typeof image.detail !== "string" || !DETAILS.has(image.detail))) {
    return problem(`Invalid value: '${String(image.detail)}'. Supported values are: 'auto', 'low', and 'high'.`, `${at}.detail`);
  }
  // Baton never sends links (the fake has no network to fetch them); only data URLs are accepted here.
  const match = DATA_URL.exec(image.url);
  if (match === null || match[2]!.length % 4 !== 0) {
    return problem(`Invalid '${at}.url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU=').`, `${at}.url`, "invalid_image_url");
  }
  const mediaType = match[1]!;
  if (!IMAGE_TYPES.has(mediaType)) {
    return problem(`Invalid MIME type '${mediaType}'. Only image types 'image/png', 'image/jpeg', 'image/webp' and 'image/gif' are supported.`, `${at}.url`, "invalid_image_format");
  }
  const bytes = Buffer.from(match[2]!, "base64");
  if (bytes.length > MAX_IMAGE_BYTES) return problem(`Image too large: ${bytes.length} bytes, the limit is ${MAX_IMAGE_BYTES}.`, `${at}.url`, "image_too_large");
  if (sniff(bytes) !== mediaType) {
    return problem("You uploaded an unsupported image. Please make sure your image is valid and of a supported format.", `${at}.url`, "invalid_image_format");
  }
  return undefined;
}

export interface RecordedImage {
  /** The index of its message in the request. */
  readonly message: number;
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly detail: string | undefined;
}

/** Every image part of a request that the fake accepted, in order. */
export function imagesOf(request: RecordedRequest): RecordedImage[] {
  const images: RecordedImage[] = [];
  const messages: unknown[] = Array.isArray(request.body.messages) ? request.body.messages : [];
  for (const [index, message] of messages.entries()) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const part of message.content) {
      if (!isRecord(part) || part.type !== "image_url" || !isRecord(part.image_url) || typeof part.image_url.url !== "string") continue;
      const match = DATA_URL.exec(part.image_url.url);
      if (match === null) continue;
      const detail = typeof part.image_url.detail === "string" ? part.image_url.detail : undefined;
      images.push({ message: index, mediaType: match[1]!, bytes: Buffer.from(match[2]!, "base64"), detail });
    }
  }
  return images;
}
