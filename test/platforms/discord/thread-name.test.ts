// Thread names: the question on one line, within Discord's 100 characters.

import { describe, expect, it } from "vitest";
import { THREAD_NAME_LIMIT, threadNameFor } from "../../../src/platforms/discord/thread-name.js";

describe("threadNameFor", () => {
  it("keeps a short question as it is, on one line", () => {
    expect(threadNameFor("  What is\nthe derivative   of x^2? ")).toBe("What is the derivative of x^2?");
  });

  it("keeps exactly 100 characters and cuts 101 at a word with an ellipsis", () => {
    const exact = `${"word ".repeat(19)}abcde`;
    expect(exact).toHaveLength(100);
    expect(threadNameFor(exact)).toBe(exact);
    const name = threadNameFor(`${exact}f`);
    expect(name.length).toBeLessThanOrEqual(THREAD_NAME_LIMIT);
    expect(name).toBe(`${"word ".repeat(19).trimEnd()}…`);
  });

  it("cuts a question without spaces hard, never halving an emoji", () => {
    expect(threadNameFor("x".repeat(300))).toBe(`${"x".repeat(99)}…`);
    const name = threadNameFor(`${"y".repeat(98)}😀😀😀`);
    expect(name).toBe(`${"y".repeat(98)}…`);
    expect(name.length).toBeLessThanOrEqual(THREAD_NAME_LIMIT);
  });

  it("names an empty question neutrally", () => {
    expect(threadNameFor(" \n ")).toBe("Question");
  });
});
