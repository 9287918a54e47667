// Inline TeX as readable Unicode.
import { describe, expect, it } from "vitest";
import { InvalidTexError, texToUnicode } from "../../../../src/platforms/common/tex/tex-to-unicode.js";

describe("texToUnicode", () => {
  it.each([
    ["x^2", "x²"],
    ["x^{10}", "x¹⁰"],
    ["\\sqrt{2}", "√2"],
    ["\\sqrt{x+1}", "√(x+1)"],
    ["\\sqrt[3]{8}", "³√8"],
    ["\\int_0^1 x\\,dx", "∫₀¹ x dx"],
    ["\\frac{a}{b}", "a⁄b"],
    ["\\frac{x+1}{2}", "(x+1)/2"],
    ["\\alpha + \\beta \\leq \\gamma", "α + β ≤ γ"],
    ["x \\to \\infty", "x → ∞"],
    ["a_n", "aₙ"],
    ["a_{i,j}", "a_(i,j)"],
    ["e^{i\\pi}", "e^(iπ)"],
    ["\\mathbb{R}", "ℝ"],
    ["\\text{area} = \\pi r^2", "area = π r²"],
    ["\\sin x \\cdot \\cos x", "sin x · cos x"],
    ["\\left( \\frac{1}{2} \\right)", "( 1⁄2 )"],
    ["\\vec{v}", "v⃗"],
    ["f'(x)", "f′(x)"],
    ["\\unknowncommand x", "\\unknowncommand x"],
  ])("%s → %s", (tex, expected) => {
    expect(texToUnicode(tex)).toBe(expected);
  });

  it.each(["\\frac{1}{", "x^", "{a", "a}", "\\begin{pmatrix}1\\end{pmatrix}", "\\"])("refuses %s", (tex) => {
    expect(() => texToUnicode(tex)).toThrow(InvalidTexError);
  });
});
