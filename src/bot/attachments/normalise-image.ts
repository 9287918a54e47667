// Decodes a student's image (PNG, JPEG, WebP, GIF's first frame), turns it upright, downscales it and re-encodes it.

import type SharpModule from "sharp";
import { AttachmentError } from "./errors.js";

// sharp (libvips, ~25 MB) is loaded with the first image, not with every program that imports the service.
let sharpModule: Promise<typeof SharpModule> | undefined;
function loadSharp(): Promise<typeof SharpModule> {
  sharpModule ??= import("sharp").then((loaded) => loaded.default);
  return sharpModule;
}

export interface NormalisedImage {
  readonly data: Uint8Array;
  readonly mediaType: "image/png" | "image/jpeg" | "image/webp";
  readonly width: number;
  readonly height: number;
}

export interface NormaliseOptions {
  /** Longest side after downscaling. Default 2,048 px (what OpenAI's high detail scales to anyway). */
  readonly maxSide?: number;
}

/** Formats a model accepts; what the bytes are, not what the file name or the platform says. */
const ACCEPTED = new Set(["png", "jpeg", "webp", "gif"]);

/** Refuses decompression bombs: a 10 MB PNG can claim gigapixels. 50 MP covers any phone camera. */
const MAX_INPUT_PIXELS = 50_000_000;

export async function normaliseImage(input: Uint8Array, options: NormaliseOptions = {}): Promise<NormalisedImage> {
  const maxSide = options.maxSide ?? 2048;
  const sharp = await loadSharp();
  let format: string | undefined;
  try {
    format = (await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch (error) {
    throw new AttachmentError("unreadable", "The image could not be read.", { cause: error });
  }
  if (format === undefined || !ACCEPTED.has(format)) {
    throw new AttachmentError("unsupported", `Images in ${format ?? "this"} format are not supported.`);
  }
  // Only the first frame of an animation; rotate() applies the EXIF orientation of phone photos, then drops it.
  const pipeline = sharp(input, { animated: false, pages: 1, limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: "inside", withoutEnlargement: true });
  try {
    // Photos stay JPEG (and WebP stays WebP): PNG would make them several times larger. Screenshots and GIFs are PNG,
    // at zlib level 6 with adaptive filtering: within 2 % of level 9 in size, about four times faster (bench scenario 9).
    const encoded =
      format === "jpeg"
        ? await pipeline.jpeg({ quality: 85, mozjpeg: true }).toBuffer({ resolveWithObject: true })
        : format === "webp"
          ? await pipeline.webp({ quality: 85 }).toBuffer({ resolveWithObject: true })
          : await pipeline.png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer({ resolveWithObject: true });
    const mediaType = format === "jpeg" ? "image/jpeg" : format === "webp" ? "image/webp" : "image/png";
    return { data: new Uint8Array(encoded.data), mediaType, width: encoded.info.width, height: encoded.info.height };
  } catch (error) {
    throw new AttachmentError("unreadable", "The image could not be read.", { cause: error });
  }
}

/** Whether the bytes are an image of any kind sharp knows: decides between the image and the document path. */
export async function sniffImageFormat(input: Uint8Array): Promise<string | undefined> {
  const sharp = await loadSharp();
  try {
    return (await sharp(input).metadata()).format;
  } catch {
    return undefined;
  }
}
