// Prepares an agent's reply for a platform without TeX: inline math as Unicode, display math as PNGs plus code alt text.

import { findMath } from "./find-math.js";
import type { FormulaRenderer } from "./render-formula.js";
import { InvalidTexError, texToUnicode } from "./tex-to-unicode.js";

export interface FormulaImage {
  /** "formula-1.png", "formula-2.png"… in the order they appear. */
  readonly name: string;
  /** The TeX source: the image's alt text / description. */
  readonly tex: string;
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface MathReply {
  readonly text: string;
  readonly images: readonly FormulaImage[];
}

/** TeX as inline code, whatever backticks it holds, on one line. */
export function asCode(tex: string): string {
  const flat = tex.replace(/\s*\n\s*/g, " ").trim();
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${flat}${fence}` : `${fence} ${flat} ${fence}`;
}

function inline(tex: string): string {
  try {
    return texToUnicode(tex);
  } catch (error) {
    if (error instanceof InvalidTexError) return asCode(tex);
    throw error;
  }
}

/**
 * The text shown while a reply streams: inline math already Unicode, display math as its code-formatted source
 * (the image comes with the final edit). Cheap: no rendering.
 */
export function streamingMathText(text: string): string {
  if (!/\$|\\[[(]/.test(text)) return text;
  return findMath(text)
    .map((segment) => (segment.kind === "text" ? segment.text : segment.display ? asCode(segment.tex) : inline(segment.tex)))
    .join("");
}

/** The final form of a reply: the streamed text, plus one PNG per display formula that MathJax could read. */
export function prepareMathReply(text: string, renderer: FormulaRenderer): MathReply {
  if (!/\$|\\[[(]/.test(text)) return { text, images: [] };
  const images: FormulaImage[] = [];
  let out = "";
  for (const segment of findMath(text)) {
    if (segment.kind === "text") {
      out += segment.text;
      continue;
    }
    if (!segment.display) {
      out += inline(segment.tex);
      continue;
    }
    // Invalid TeX never breaks a reply: its source is shown as code, with no image.
    out += asCode(segment.tex);
    try {
      const rendered = renderer.render(segment.tex);
      images.push({ name: `formula-${images.length + 1}.png`, tex: segment.tex, ...rendered });
    } catch (error) {
      if (!(error instanceof InvalidTexError)) throw error;
    }
  }
  return { text: out, images };
}
