// The one place replies meet TeX: every adapter's final post or edit takes `renderReply`, a streamed edit `streamingText`.

import type { ReplyImage, ReplyImages } from "../../bot/reply-images.js";
import { prepareMathReply, streamingMathText, type FormulaImage, type MathReply } from "./tex/math-reply.js";
import { FormulaRenderer } from "./tex/render-formula.js";

export type { FormulaImage, MathReply } from "./tex/math-reply.js";

/** The most images any platform attaches to one reply (Slack's blocks; Discord takes 10). */
export const MAX_REPLY_IMAGES = 20;

export interface RenderReplyOptions {
  /** At most this many images (a platform's attachment limit); later formulas keep only their code alt text. */
  readonly maxImages?: number;
}

/**
 * Holds the formula cache (by TeX source, bounded) of one adapter. Both forms of a reply have the same text — inline
 * math as Unicode, display math as its code-formatted TeX — so a streamed message's last edit only adds the images.
 */
export class ReplyMath implements ReplyImages {
  constructor(private readonly renderer: FormulaRenderer = new FormulaRenderer()) {}

  /**
   * The reply's final form: its text and one PNG per display formula MathJax could read. Never throws: should the
   * renderer itself fail (not the TeX), the reply keeps its text with each formula's TeX and no images.
   */
  renderReply(finalText: string, options: RenderReplyOptions = {}): MathReply {
    let reply: MathReply;
    try {
      reply = prepareMathReply(finalText, this.renderer);
    } catch {
      return { text: streamingMathText(finalText), images: [] };
    }
    const max = options.maxImages;
    return max === undefined || reply.images.length <= max ? reply : { text: reply.text, images: reply.images.slice(0, max) };
  }

  /** The images a reply carries (stored with its message); at most 20, as many as any platform shows. */
  imagesOf(text: string): readonly ReplyImage[] {
    return this.renderReply(text, { maxImages: MAX_REPLY_IMAGES }).images;
  }

  /** The text of a reply (or of a part of one, while it streams), without rendering anything. */
  streamingText(text: string): string {
    return streamingMathText(text);
  }
}

/** The alt text of an image of a formula, cut to a platform's limit. */
export function formulaAltText(image: Pick<FormulaImage, "tex">, limit: number): string {
  return image.tex.length <= limit ? image.tex : `${image.tex.slice(0, limit - 1)}…`;
}
