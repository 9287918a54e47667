// Deltas shown as they arrive with their math readable: nothing is shown of a formula until it is complete.
import { describe, expect, it } from "vitest";
import { StreamingMath } from "../../../src/platforms/common/streaming-math.js";
import { streamingMathText } from "../../../src/platforms/common/tex/math-reply.js";

function shownWordByWord(text: string): { parts: string[]; whole: string } {
  const math = new StreamingMath();
  const parts = (text.match(/\S+\s*|\s+/g) ?? []).map((word) => math.push(word));
  parts.push(math.flush());
  return { parts, whole: parts.join("") };
}

describe("StreamingMath", () => {
  it("shows word by word exactly what the whole reply converts to", () => {
    for (const text of [
      "So $x^2$ has area\n$$\\int_0^1 x^2\\,dx$$\ndone",
      "Prices: $5 and $10 each.",
      "Code: ```\nlet $x$ = 1;\n```\nand `$y$` stay, but \\(\\alpha\\) turns.",
      "Display over lines \\[\na + b\n= c\n\\] ok",
    ]) {
      expect(shownWordByWord(text).whole).toBe(streamingMathText(text));
    }
  });

  it("shows plain words at once and holds a formula until it closes", () => {
    const math = new StreamingMath();
    expect(math.push("The area ")).toBe("The area ");
    expect(math.push("is $x")).toBe("is ");
    expect(math.push("^2$ ")).toBe("");
    expect(math.push("m\n")).toBe("x² m\n");
  });
});
