// Small real images for tests of stored attachments (made with sharp, as the media intake makes them).

import sharp from "sharp";

/** A `width`×`height` PNG of one colour. */
export async function pngImage(width: number, height: number, colour = "#3b82f6"): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer());
}
