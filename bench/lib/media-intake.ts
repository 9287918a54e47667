// Scenario 9: students' photos — bytes stored per image after downscaling, and the prompt tokens of a turn with one.

import sharp from "sharp";
import { prepareAttachments } from "../../src/bot/attachments/prepare-attachments.js";
import { imageTokens } from "../../src/bot/attachments/image-tokens.js";
import { DEFAULT_ATTACHMENT_LIMITS } from "../../src/bot/attachments/types.js";
import type { ModelCallRecord } from "./seed-chat-client.js";
import { startBenchApp, studentMessage } from "./service-fixture.js";
import { median } from "./stats.js";
import { envelopeOf } from "../../test/support/envelope-of.js";

export interface StoredImageRow {
  readonly label: string;
  readonly sentBytes: number;
  readonly sentSize: string;
  readonly storedBytes: number;
  readonly storedSize: string;
  /** Median time to decode, downscale and re-encode it (sharp). */
  readonly msPerImage: number;
}

export interface ImageTurnTokens {
  /** Model calls of the turn (triage, then the tutor): each is sent the image. */
  readonly calls: number;
  /** The turn's prompt tokens without the image (text, tools), estimated at 4 characters per token. */
  readonly textPromptTokens: number;
  /** The same turn with the image at each detail, by OpenAI's tile formula (auto is counted as high). */
  readonly lowPromptTokens: number;
  readonly highPromptTokens: number;
  readonly storedSize: string;
}

export interface MediaResult {
  readonly images: readonly StoredImageRow[];
  readonly turn: ImageTurnTokens;
}

/** A photo-like image: smooth gradients with noise, which is what a camera's JPEG holds. */
async function photo(width: number, height: number, format: "jpeg" | "png" | "webp" | "gif"): Promise<Uint8Array> {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 11;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const i = (y * width + x) * 3;
      pixels[i] = ((x * 255) / width + (seed & 15)) & 0xff;
      pixels[i + 1] = ((y * 255) / height + ((seed >> 4) & 15)) & 0xff;
      pixels[i + 2] = (128 + ((seed >> 8) & 31)) & 0xff;
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const encoded = format === "jpeg" ? image.jpeg({ quality: 92 }) : image.toFormat(format);
  return new Uint8Array(await encoded.toBuffer());
}

const SAMPLES = [
  { label: "phone photo, JPEG", width: 4032, height: 3024, format: "jpeg" },
  { label: "screenshot, PNG", width: 2880, height: 1800, format: "png" },
  { label: "WebP", width: 3000, height: 2000, format: "webp" },
  { label: "GIF (first frame)", width: 1200, height: 900, format: "gif" },
] as const;

/** `scale` < 1 makes smaller samples (quick mode: the figures only show the scenario runs). */
export async function runMediaIntake(options: { readonly reps: number; readonly scale: number }): Promise<MediaResult> {
  const images: StoredImageRow[] = [];
  for (const base of SAMPLES) {
    const sample = { ...base, width: Math.round(base.width * options.scale), height: Math.round(base.height * options.scale) };
    const data = await photo(sample.width, sample.height, sample.format);
    const times: number[] = [];
    let stored: { bytes: number; size: string } | undefined;
    for (let i = 0; i < Math.max(1, options.reps); i++) {
      const started = performance.now();
      const { accepted } = await prepareAttachments([{ name: `sample.${sample.format}`, size: data.length, data }], DEFAULT_ATTACHMENT_LIMITS);
      times.push(performance.now() - started);
      const item = accepted[0];
      if (item?.kind !== "image") throw new Error(`The ${sample.label} sample was not taken as an image.`);
      stored = { bytes: item.data.length, size: `${item.width}×${item.height}` };
    }
    images.push({ label: `${sample.label} ${sample.width}×${sample.height}`, sentBytes: data.length, sentSize: `${sample.width}×${sample.height}`, storedBytes: stored!.bytes, storedSize: stored!.size, msPerImage: median(times) });
  }
  return { images, turn: await imageTurn(options.scale) };
}

/** One turn asking about a phone photo, through the service: the calls it makes and what each sends. */
async function imageTurn(scale: number): Promise<ImageTurnTokens> {
  const calls: ModelCallRecord[] = [];
  const bench = startBenchApp({ countTokens: true, onCall: (call) => calls.push(call) });
  try {
    const data = await photo(Math.round(4032 * scale), Math.round(3024 * scale), "jpeg");
    const question = studentMessage("photo", "How do I do number 3 on this worksheet? What is the derivative?");
    const outcome = await bench.app.service.accept(envelopeOf({ ...question, attachments: [{ name: "worksheet.jpg", mediaType: "image/jpeg", size: data.length, data }] }));
    if (outcome.status !== "completed") throw new Error(`The image turn did not complete: ${JSON.stringify(outcome)}`);
    const row = bench.app.db.prepare("SELECT width, height FROM attachments").get() as { width: number; height: number };
    const text = calls.reduce((sum, call) => sum + call.promptTokens, 0);
    return {
      calls: calls.length,
      textPromptTokens: text,
      lowPromptTokens: text + calls.length * imageTokens(row.width, row.height, "low"),
      highPromptTokens: text + calls.length * imageTokens(row.width, row.height, "high"),
      storedSize: `${row.width}×${row.height}`,
    };
  } finally {
    await bench.close();
  }
}
