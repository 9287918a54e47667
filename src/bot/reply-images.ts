// The images an agent's reply carries (its display math, rendered), stored with the reply's message for moderators.

import type { AttachmentRepository } from "./store-port.js";

/** One rendered image of a reply: a PNG and the TeX it shows. */
export interface ReplyImage {
  readonly name: string;
  readonly tex: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** What renders a reply's images (the platforms' ReplyMath, given by the composition root). Must not throw. */
export interface ReplyImages {
  imagesOf(text: string): readonly ReplyImage[];
}

/** Stores a reply's images as its message's attachments: origin rendered, the TeX as alt text. */
export async function storeReplyImages(attachments: AttachmentRepository, messageId: number, images: readonly ReplyImage[]): Promise<void> {
  for (const image of images) {
    await attachments.add({
      messageId,
      origin: "rendered",
      kind: "image",
      mediaType: "image/png",
      fileName: image.name,
      data: image.png,
      width: image.width,
      height: image.height,
      altText: image.tex,
    });
  }
}
