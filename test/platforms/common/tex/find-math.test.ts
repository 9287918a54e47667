// Finding TeX in replies: every delimiter, never prices, never code.
import { describe, expect, it } from "vitest";
import { findMath, hasMath } from "../../../../src/platforms/common/tex/find-math.js";

const maths = (text: string) => findMath(text).filter((s) => s.kind === "math");

describe("findMath", () => {
  it("finds display and inline math with each delimiter", () => {
    const found = maths("A $$\\int_0^1 x\\,dx$$ then \\[a^2+b^2=c^2\\] and \\(x^2\\) and $y_1$.");
    expect(found.map((m) => m.kind === "math" && [m.tex, m.display])).toEqual([
      ["\\int_0^1 x\\,dx", true],
      ["a^2+b^2=c^2", true],
      ["x^2", false],
      ["y_1", false],
    ]);
  });

  it("keeps every character: the segments join back to the input", () => {
    const text = "Price $5, **bold $x$** and `$code$`\n```\n$$not$$\n```\nend $$a$$";
    expect(findMath(text).map((s) => (s.kind === "text" ? s.text : s.source)).join("")).toBe(text);
  });

  it.each([
    "It costs $5 and $10.",
    "Pay $5, then $6.",
    "between $5 and 6$ is odd",
    "$5$",
    "I have $ 3 and $ 4",
    "Tickets: $12.50 each, or $40 for four.",
    "Cost is $5,$6 total",
  ])("does not take prices for math: %s", (text) => {
    expect(maths(text)).toEqual([]);
    expect(hasMath(text)).toBe(false);
  });

  it("finds math inside Markdown emphasis and lists, never inside code", () => {
    expect(maths("- **Step 1:** $x=2$").length).toBe(1);
    expect(maths("Run `echo $HOME $PATH` then")).toEqual([]);
    expect(maths("```tex\n$$x^2$$\n\\(y\\)\n```")).toEqual([]);
    expect(maths("``a ` $x$ ``")).toEqual([]);
  });

  it("leaves escaped dollars and unclosed delimiters as text", () => {
    expect(maths("\\$x$ and $$x without end")).toEqual([]);
    expect(maths("\\(open only")).toEqual([]);
  });

  it("spans lines for display math only", () => {
    expect(maths("$$\na\n+ b\n$$").length).toBe(1);
    expect(maths("$a\n+b$")).toEqual([]);
  });
});
