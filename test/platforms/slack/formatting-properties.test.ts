// Properties of conversion + splitting over many generated model answers: nothing pings, nothing leaks, every piece is valid.
import { describe, expect, it } from "vitest";
import { markdownToMrkdwn } from "../../../src/platforms/slack/mrkdwn.js";
import { SLACK_CHUNKS, splitMessage, withLimit } from "../../../src/platforms/common/chunker.js";

/** A small deterministic generator (mulberry32), so a failure names its seed and can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTS = [
  "word", "**bold**", "*it*", "_it_", "`code <x>`", "[link](https://a.test/p?q=1&r=2)", "<!channel>", "<!here>", "@everyone",
  "<@U123>", "<!subteam^S1|@t>", "a & b", "x < y > z", "~~s~~", "\\*", "😀", "é", "|", "[x](javascript:alert(1))", "\uE000", "\uE001",
];
const LINES = ["# Heading **b**", "- item **b**", "1. step", "> quote <!here>", "---", "| a | b |\n|---|---|\n| 1 | <!channel> |", "```py\nx = 1 < 2 & 3\n```"];

function answer(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const paragraphs: string[] = [];
  const count = 1 + Math.floor(next() * 30);
  for (let p = 0; p < count; p += 1) {
    if (next() < 0.3) {
      paragraphs.push(pick(LINES));
      continue;
    }
    const words = Array.from({ length: 5 + Math.floor(next() * 120) }, () => pick(PARTS));
    paragraphs.push(words.join(next() < 0.1 ? "\n" : " "));
  }
  return paragraphs.join("\n\n");
}

describe("formatting properties", () => {
  it("holds for 300 generated answers", () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const next = random(seed);
      const limit = 200 + Math.floor(next() * 3_300);
      const converted = markdownToMrkdwn(answer(next));
      const pieces = splitMessage(converted, withLimit(SLACK_CHUNKS, limit));
      for (const piece of pieces) {
        const where = `seed ${seed}, limit ${limit}`;
        expect(piece.length, where).toBeLessThanOrEqual(limit);
        expect(piece.trim(), where).not.toBe("");
        expect(piece, where).not.toMatch(/[\uE000-\uE002]/);
        expect(piece, where).not.toMatch(/<[!@]/);
        expect(piece, where).not.toMatch(/@(channel|here|everyone)\b/i);
        expect(piece, where).not.toMatch(/javascript:/);
        expect(piece.split("\n").filter((line) => line === "```").length % 2, where).toBe(0);
      }
    }
  });
});
