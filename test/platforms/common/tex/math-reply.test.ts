// A reply's math prepared for a platform: Unicode inline, PNG display with code alt text, invalid TeX as code.
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { asCode, prepareMathReply, streamingMathText } from "../../../../src/platforms/common/tex/math-reply.js";
import { FormulaRenderer } from "../../../../src/platforms/common/tex/render-formula.js";

const renderer = new FormulaRenderer();

describe("prepareMathReply", () => {
  it("turns inline math to Unicode and display math to a PNG, keeping the source as code", async () => {
    const reply = prepareMathReply("So $x^2$ gives:\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\nDone.", renderer);
    expect(reply.text).toBe("So x² gives:\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nDone.");
    expect(reply.images).toHaveLength(1);
    const image = reply.images[0]!;
    expect(image.name).toBe("formula-1.png");
    expect(image.tex).toBe("\\int_0^1 x^2\\,dx = \\frac{1}{3}");
    const meta = await sharp(image.png).metadata();
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([image.width, image.height]);
    // Black ink on white: the corners (padding) are white, and some pixel is dark.
    const { data, info } = await sharp(image.png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([255, 255, 255]);
    let darkest = 255;
    for (let i = 0; i < data.length; i += info.channels) darkest = Math.min(darkest, data[i]!);
    expect(darkest).toBeLessThan(64);
  });

  it("shows invalid TeX as code and renders nothing for it", () => {
    const reply = prepareMathReply("Bad: $$\\frac{1}{$$ and $\\frac{$", renderer);
    expect(reply.images).toEqual([]);
    expect(reply.text).toBe("Bad: `\\frac{1}{` and `\\frac{`");
  });

  it("refuses unknown commands in display math rather than drawing them in red", () => {
    expect(prepareMathReply("$$\\notacommand{x}$$", renderer).images).toEqual([]);
  });

  it("leaves prices and code alone", () => {
    const text = "It costs $5 and $10. Use `$x$` in code.";
    expect(prepareMathReply(text, renderer)).toEqual({ text, images: [] });
  });

  it("caches by source: the same formula is the same image", () => {
    const first = prepareMathReply("$$a^2+b^2=c^2$$", renderer).images[0];
    const second = prepareMathReply("Again: \\[a^2+b^2=c^2\\]", renderer).images[0];
    expect(second?.png).toBe(first?.png);
  });

  it("numbers several formulas in order", () => {
    const reply = prepareMathReply("$$a$$ then $$b$$", renderer);
    expect(reply.images.map((i) => [i.name, i.tex])).toEqual([["formula-1.png", "a"], ["formula-2.png", "b"]]);
  });
});

describe("streamingMathText", () => {
  it("shows the Unicode form while streaming, display math as its source", () => {
    expect(streamingMathText("Area $\\pi r^2$ and $$E=mc^2$$")).toBe("Area π r² and `E=mc^2`");
  });
});

describe("asCode", () => {
  it("fences TeX that holds backticks and flattens lines", () => {
    expect(asCode("a`b")).toBe("`` a`b ``");
    expect(asCode("a\n+ b")).toBe("`a + b`");
  });
});
