// Renders display TeX to a PNG (MathJax → SVG → @resvg/resvg-js), black on white with padding, cached by TeX source.

import { Resvg } from "@resvg/resvg-js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";
import { mathjax } from "mathjax-full/js/mathjax.js";
import { SVG } from "mathjax-full/js/output/svg.js";
import { InvalidTexError } from "./tex-to-unicode.js";

export interface RenderedFormula {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export interface FormulaRendererOptions {
  /** Pixels per em of the formula's font. Default 40: legible on a phone and on a desktop. */
  readonly emPixels?: number;
  /** White margin around the formula, in pixels. Default 16. */
  readonly padding?: number;
  /** Formulas kept rendered, by TeX source. Default 256. */
  readonly cacheSize?: number;
}

type MathDocument = ReturnType<typeof mathjax.document>;
type LiteAdaptor = ReturnType<typeof liteAdaptor>;

/** MathJax's document is costly to set up (~100 ms) and holds no per-formula state: made once, on first use. */
let shared: { adaptor: LiteAdaptor; document: MathDocument } | undefined;

function mathDocument(): { adaptor: LiteAdaptor; document: MathDocument } {
  if (shared !== undefined) return shared;
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  const tex = new TeX({
    // noundefined would draw an unknown command in red instead of failing; bussproofs needs a browser.
    packages: AllPackages.filter((name) => name !== "noundefined" && name !== "bussproofs"),
    formatError: (_jax: unknown, error: Error) => {
      throw new InvalidTexError(error.message);
    },
  });
  const document = mathjax.document("", { InputJax: tex, OutputJax: new SVG({ fontCache: "local" }) });
  shared = { adaptor, document };
  return shared;
}

export class FormulaRenderer {
  readonly #emPixels: number;
  readonly #padding: number;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, RenderedFormula>();

  constructor(options: FormulaRendererOptions = {}) {
    this.#emPixels = options.emPixels ?? 40;
    this.#padding = options.padding ?? 16;
    this.#cacheSize = options.cacheSize ?? 256;
  }

  /** The PNG of `tex` as display math; throws InvalidTexError when MathJax cannot read it. */
  render(tex: string): RenderedFormula {
    const cached = this.#cache.get(tex);
    if (cached !== undefined) {
      // Least recently used goes first: re-insert on a hit.
      this.#cache.delete(tex);
      this.#cache.set(tex, cached);
      return cached;
    }
    const rendered = this.#renderUncached(tex);
    if (this.#cache.size >= this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(tex, rendered);
    return rendered;
  }

  #renderUncached(tex: string): RenderedFormula {
    const { adaptor, document } = mathDocument();
    let svg: string;
    try {
      svg = adaptor.innerHTML(document.convert(tex, { display: true }));
    } catch (error) {
      if (error instanceof InvalidTexError) throw error;
      throw new InvalidTexError(error instanceof Error ? error.message : String(error));
    }
    const framed = frame(svg, this.#emPixels, this.#padding);
    const image = new Resvg(framed.svg, { background: "white", font: { loadSystemFonts: false } }).render();
    return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
  }
}

/** MathJax sizes its SVG in ex and draws in units of 1/1000 em: give it pixels, a margin and black ink. */
function frame(svg: string, emPixels: number, padding: number): { svg: string } {
  const box = /viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"/.exec(svg);
  if (box === null) throw new InvalidTexError("MathJax produced no drawing");
  const width = Math.ceil((Number(box[3]) / 1000) * emPixels);
  const height = Math.ceil((Number(box[4]) / 1000) * emPixels);
  const inner = svg
    .replace(/^<svg([^>]*?) width="[^"]*"/, "<svg$1")
    .replace(/^<svg([^>]*?) height="[^"]*"/, "<svg$1")
    .replace(/^<svg/, `<svg x="${padding}" y="${padding}" width="${width}" height="${height}" color="black"`);
  const outerWidth = width + 2 * padding;
  const outerHeight = height + 2 * padding;
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${outerWidth}" height="${outerHeight}" viewBox="0 0 ${outerWidth} ${outerHeight}">${inner}</svg>`,
  };
}
