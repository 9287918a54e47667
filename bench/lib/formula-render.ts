// Bench scenario 10, math out: ms per display formula rendered (MathJax → SVG → resvg PNG) cold and from the cache,
// the PNG's size, and what a whole reply with inline and display math costs to prepare.

import { ReplyMath } from "../../src/platforms/common/reply-math.js";
import { FormulaRenderer } from "../../src/platforms/common/tex/render-formula.js";
import { median } from "./stats.js";

export interface FormulaRow {
  readonly label: string;
  readonly tex: string;
  /** A formula the renderer has not seen (MathJax's document already set up). */
  readonly coldMs: number;
  /** The same formula again: the cache's answer. */
  readonly cachedMs: number;
  readonly pngBytes: number;
  readonly size: string;
}

export interface FormulaResult {
  /** The first render in a process: MathJax's document and fonts set up once. */
  readonly firstRenderMs: number;
  readonly formulas: readonly FormulaRow[];
  /** renderReply of a typical answer (3 inline formulas, 2 display), cold and cached. */
  readonly replyColdMs: number;
  readonly replyCachedMs: number;
}

const FORMULAS: ReadonlyArray<readonly [string, string]> = [
  ["fraction", "\\frac{d}{dx}x^2 = 2x"],
  ["integral", "\\int_0^1 x^2\\,dx = \\frac{1}{3}"],
  ["quadratic formula", "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}"],
  ["sum", "\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}"],
  ["matrix", "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}^{-1} = \\frac{1}{ad-bc}\\begin{pmatrix} d & -b \\\\ -c & a \\end{pmatrix}"],
  ["aligned", "\\begin{aligned} (a+b)^2 &= a^2 + 2ab + b^2 \\\\ &\\ge 4ab \\end{aligned}"],
];

const REPLY =
  "Let $f(x) = x^2$, so $f'(x) = 2x$ and for $0 \\le x \\le 1$:\n$$\\int_0^1 x^2\\,dx = \\left[\\frac{x^3}{3}\\right]_0^1 = \\frac{1}{3}$$\n" +
  "and by the power rule\n$$\\frac{d}{dx}x^n = n x^{n-1}.$$";

function time(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runFormulaRender(plan: { readonly reps: number }): FormulaResult {
  const firstRenderMs = time(() => new FormulaRenderer().render("x"));
  const formulas = FORMULAS.map(([label, tex]): FormulaRow => {
    const cold: number[] = [];
    const cached: number[] = [];
    let png: Uint8Array = new Uint8Array();
    let size = "";
    for (let rep = 0; rep < plan.reps; rep++) {
      const renderer = new FormulaRenderer();
      cold.push(time(() => {
        const rendered = renderer.render(tex);
        png = rendered.png;
        size = `${rendered.width}×${rendered.height}`;
      }));
      for (let i = 0; i < 20; i++) cached.push(time(() => renderer.render(tex)));
    }
    return { label, tex, coldMs: median(cold), cachedMs: median(cached), pngBytes: png.byteLength, size };
  });
  const replyCold: number[] = [];
  const replyCached: number[] = [];
  for (let rep = 0; rep < plan.reps; rep++) {
    const math = new ReplyMath();
    replyCold.push(time(() => math.renderReply(REPLY)));
    for (let i = 0; i < 20; i++) replyCached.push(time(() => math.renderReply(REPLY)));
  }
  return { firstRenderMs, formulas, replyColdMs: median(replyCold), replyCachedMs: median(replyCached) };
}
