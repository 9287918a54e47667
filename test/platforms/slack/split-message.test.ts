// The splitter: every piece within the limit, nothing lost, code blocks balanced, paragraphs kept together when possible.
import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGE_LIMIT, splitMessage } from "../../../src/platforms/slack/split-message.js";

const fences = (piece: string): number => piece.split("\n").filter((line) => line.trim() === "```").length;
const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "" && w !== "```");

describe("splitMessage", () => {
  it("returns short text as one message and empty text as none", () => {
    expect(splitMessage("hello")).toEqual(["hello"]);
    expect(splitMessage("  \n ")).toEqual([]);
  });

  it("splits at paragraph boundaries first", () => {
    const a = "a".repeat(30);
    const b = "b".repeat(30);
    const c = "c".repeat(30);
    expect(splitMessage(`${a}\n\n${b}\n\n${c}`, 70)).toEqual([`${a}\n\n${b}`, c]);
  });

  it("splits a long paragraph at line boundaries, then at spaces", () => {
    const lines = Array.from({ length: 10 }, (_v, i) => `line ${i} ${"x".repeat(20)}`);
    const pieces = splitMessage(lines.join("\n"), 64);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(64);
    expect(pieces.join("\n")).toBe(lines.join("\n"));

    const sentence = Array.from({ length: 40 }, (_v, i) => `word${i}`).join(" ");
    const parts = splitMessage(sentence, 50);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(50);
    expect(parts.join(" ")).toBe(sentence);
  });

  it("never leaves a code block open: a long block is closed and reopened", () => {
    const code = Array.from({ length: 40 }, (_v, i) => `const v${i} = ${i};`).join("\n");
    const text = `Here is code:\n\n\`\`\`\n${code}\n\`\`\`\n\nDone.`;
    const pieces = splitMessage(text, 200);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(200);
      expect(fences(piece) % 2).toBe(0);
    }
    expect(words(pieces.join("\n"))).toEqual(words(text));
  });

  it("does not cut inside a link", () => {
    const link = "<https://e.test/p|one two three four five six seven>";
    const pieces = splitMessage(`${"w ".repeat(10)}${link} tail`, 60);
    expect(pieces).toEqual(["w w w w w w w w w w", `${link} tail`]);
  });

  it("does not cut inside an entity", () => {
    const pieces = splitMessage(`${"x".repeat(55)}&amp;${"y".repeat(10)}`, 58);
    expect(pieces).toEqual(["x".repeat(55), `&amp;${"y".repeat(10)}`]);
  });

  it("keeps every piece under the default limit for a long answer", () => {
    const paragraph = "The derivative measures how a function changes. ".repeat(20);
    const text = Array.from({ length: 12 }, () => paragraph).join("\n\n");
    const pieces = splitMessage(text);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(DEFAULT_MESSAGE_LIMIT);
    expect(words(pieces.join("\n\n"))).toEqual(words(text));
  });

  it("rejects nonsensical limits", () => {
    expect(() => splitMessage("x", 3)).toThrow(RangeError);
  });
});
