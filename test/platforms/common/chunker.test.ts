// The one chunker under both rule sets: chunk sizes, preferred boundaries, code blocks closed and reopened, nothing lost;
// Discord reopens a fence with its language, Slack with a bare fence and never cuts inside a link or an entity.

import { describe, expect, it } from "vitest";
import {
  DISCORD_CHUNKS,
  DISCORD_MESSAGE_LIMIT,
  openFenceAfter,
  SLACK_CHUNKS,
  SLACK_MESSAGE_LIMIT,
  splitMessage,
  withLimit,
} from "../../../src/platforms/common/chunker.js";

/** Code blocks are balanced when every chunk holds an even number of ``` markers. */
function fenceCount(chunk: string): number {
  return chunk.split("```").length - 1;
}

/** The words of a text, ignoring whitespace and whole-line fences the splitter may add. */
function words(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !/^```[a-z]*$/i.test(line.trim()))
    .join(" ")
    .split(/\s+/)
    .filter((word) => word !== "");
}

/** A small deterministic PRNG (mulberry32), so generated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatedReply(seed: number): string {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const lines: string[] = [];
  const total = 20 + pick(200);
  let inCode = false;
  for (let i = 0; i < total; i += 1) {
    const roll = next();
    if (roll < 0.06) {
      lines.push(inCode ? "```" : ["```", "```ts", "```python"][pick(3)]!);
      inCode = !inCode;
    } else if (roll < 0.2 && !inCode) {
      lines.push("");
    } else {
      const count = 1 + pick(40);
      const line = Array.from({ length: count }, () => "w".repeat(1 + pick(12)) + pick(100)).join(" ");
      lines.push(inCode ? `  ${line}` : line);
    }
  }
  if (inCode) lines.push("```");
  return lines.join("\n");
}

describe("splitMessage with Discord's rules", () => {
  it("returns nothing for empty or blank text", () => {
    expect(splitMessage("", DISCORD_CHUNKS)).toEqual([]);
    expect(splitMessage(" \n\n \t ", DISCORD_CHUNKS)).toEqual([]);
  });

  it("leaves a short reply as it is", () => {
    expect(splitMessage("The derivative of x^2 is 2x.", DISCORD_CHUNKS)).toEqual(["The derivative of x^2 is 2x."]);
  });

  it("keeps exactly 2,000 characters in one message and splits 2,001", () => {
    const exact = `${"a ".repeat(999)}ab`;
    expect(exact).toHaveLength(DISCORD_MESSAGE_LIMIT);
    expect(splitMessage(exact, DISCORD_CHUNKS)).toEqual([exact]);
    const over = `${exact}c`;
    const chunks = splitMessage(over, DISCORD_CHUNKS);
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.length <= DISCORD_MESSAGE_LIMIT)).toBe(true);
    expect(words(chunks.join(" "))).toEqual(words(over));
  });

  it("splits at a paragraph break when one lies in the second half of the chunk", () => {
    const first = "First paragraph line one.\nFirst paragraph line two, a little longer.";
    const second = "Second paragraph.\nWith two lines.";
    expect(splitMessage(`${first}\n\n${second}`, withLimit(DISCORD_CHUNKS, 80))).toEqual([first, second]);
  });

  it("splits at the last line break when no paragraph break is near the end", () => {
    const lines = ["Step 1: write the function.", "Step 2: differentiate each term.", "Step 3: add them up again."];
    expect(splitMessage(lines.join("\n"), withLimit(DISCORD_CHUNKS, 70))).toEqual([`${lines[0]}\n${lines[1]}`, lines[2]]);
  });

  it("prefers a line break over a space even early in the chunk when it keeps the next line whole", () => {
    const line = "x".repeat(60);
    expect(splitMessage(`Intro:\n${line}`, withLimit(DISCORD_CHUNKS, 64))).toEqual(["Intro:", line]);
  });

  it("splits an over-long line between words, never inside one", () => {
    const sentence = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
    const chunks = splitMessage(sentence, withLimit(DISCORD_CHUNKS, 100));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      expect(chunk).toMatch(/^word\d+( word\d+)*$/);
    }
    expect(chunks.join(" ")).toBe(sentence);
  });

  it("fills a message with words rather than cutting before a line that cannot fit anyway", () => {
    const long = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");
    const chunks = splitMessage(`Hi\n${long}`, withLimit(DISCORD_CHUNKS, 80));
    expect(chunks[0]!.startsWith("Hi\nw0 w1")).toBe(true);
    expect(words(chunks.join("\n"))).toEqual(words(`Hi\n${long}`));
  });

  it("cuts a single word longer than the limit hard, losing nothing", () => {
    const word = "x".repeat(250);
    const chunks = splitMessage(word, withLimit(DISCORD_CHUNKS, 100));
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(chunks.join("")).toBe(word);
  });

  it("never cuts between the two halves of a surrogate pair", () => {
    const emoji = "😀".repeat(100); // 200 UTF-16 code units, no spaces
    const chunks = splitMessage(emoji, withLimit(DISCORD_CHUNKS, 99));
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(99);
      expect(chunk).toMatch(/^(😀)+$/u);
    }
    expect(chunks.join("")).toBe(emoji);
  });

  it("closes a code block it cuts and reopens it with the same language", () => {
    const code = Array.from({ length: 12 }, (_, i) => `const value${i} = compute(${i});`).join("\n");
    const text = `Here is the code:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, 150));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(150);
      expect(fenceCount(chunk) % 2).toBe(0);
    }
    for (const chunk of chunks.slice(1)) expect(chunk.startsWith("```ts\n")).toBe(true);
    expect(chunks[0]!.endsWith("\n```")).toBe(true);
    expect(chunks.at(-1)!.endsWith("That is all.")).toBe(true);
    const codeLines = chunks
      .join("\n")
      .split("\n")
      .filter((line) => line.startsWith("const "));
    expect(codeLines).toEqual(code.split("\n"));
  });

  it("keeps a blank line inside a code block when it splits there", () => {
    const block = ["```py", "a = 1", "", "b = 2", "```"].join("\n");
    const text = `${"intro ".repeat(8).trim()}\n${block}`;
    const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, 64));
    expect(chunks.every((chunk) => fenceCount(chunk) % 2 === 0)).toBe(true);
    expect(chunks.join("\n")).toContain("b = 2");
  });

  it("moves a line that only opens a code block to the next message", () => {
    const prose = `${"p".repeat(40)}\n${"q".repeat(40)}`;
    const text = `${prose}\n\`\`\`js\n${"console.log(1);\n".repeat(3)}\`\`\``;
    const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, 100));
    expect(chunks[0]).toBe(prose);
    expect(chunks[1]!.startsWith("```js\n")).toBe(true);
    expect(chunks.every((chunk) => fenceCount(chunk) % 2 === 0)).toBe(true);
  });

  it("does not treat inline ```pairs``` on one line as an open block", () => {
    const text = `Use \`\`\`x\`\`\` sparingly.\n${"y ".repeat(60)}`;
    const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, 80));
    expect(chunks.some((chunk) => chunk.startsWith("```"))).toBe(false);
  });

  it("reopens a block with an absurdly long language tag as a plain block", () => {
    const tag = "l".repeat(40);
    const text = `\`\`\`${tag}\n${"line of code\n".repeat(20)}\`\`\``;
    const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, 100));
    expect(chunks.slice(1).every((chunk) => chunk.startsWith("```\n"))).toBe(true);
    expect(chunks.every((chunk) => chunk.length <= 100 && fenceCount(chunk) % 2 === 0)).toBe(true);
  });

  it("normalises CRLF and trims blank lines around the reply", () => {
    expect(splitMessage("\n\r\nline one\r\nline two\r\n\r\n", DISCORD_CHUNKS)).toEqual(["line one\nline two"]);
  });

  it("leaves a reply with an unclosed fence alone when it fits", () => {
    expect(splitMessage("```\nno end", DISCORD_CHUNKS)).toEqual(["```\nno end"]);
  });

  it("splits a 5,000-character answer with a code block in the middle into valid messages", () => {
    const prose = (n: number) => Array.from({ length: n }, (_, i) => `Sentence number ${i} of the explanation.`).join(" ");
    const code = Array.from({ length: 60 }, (_, i) => `    total += term(${i})  # add term ${i}`).join("\n");
    const text = `${prose(30)}\n\n\`\`\`python\n${code}\n\`\`\`\n\n${prose(40)}`;
    expect(text.length).toBeGreaterThan(4500);
    const chunks = splitMessage(text, DISCORD_CHUNKS);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMIT);
      expect(fenceCount(chunk) % 2).toBe(0);
    }
    expect(words(chunks.join("\n"))).toEqual(words(text));
  });

  it("refuses a limit too small to hold a reopened code block", () => {
    expect(() => splitMessage("text", withLimit(DISCORD_CHUNKS, 10))).toThrow(RangeError);
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))("keeps every invariant on generated reply #%i", (seed) => {
    const text = generatedReply(seed);
    for (const limit of [64, 150, 500, DISCORD_MESSAGE_LIMIT]) {
      const chunks = splitMessage(text, withLimit(DISCORD_CHUNKS, limit));
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(limit);
        expect(chunk.trim()).not.toBe("");
        expect(fenceCount(chunk) % 2).toBe(0);
      }
      expect(words(chunks.join("\n"))).toEqual(words(text));
    }
  });
});

describe("openFenceAfter", () => {
  it("tracks which block is open, with its language", () => {
    expect(openFenceAfter("plain", null)).toBeNull();
    expect(openFenceAfter("```ts\nconst a = 1;", null)).toBe("```ts");
    expect(openFenceAfter("```ts\nconst a = 1;\n```", null)).toBeNull();
    expect(openFenceAfter("more code", "```ts")).toBe("```ts");
    expect(openFenceAfter("end\n```\nprose ```c++\nx", "```ts")).toBe("```c++");
    expect(openFenceAfter("```not a tag\nx", null)).toBe("```");
  });
});

/** Slack's whole-line fences in a piece: balanced when even. */
const slackFences = (piece: string): number => piece.split("\n").filter((line) => line.trim() === "```").length;
const slackWords = (text: string): string[] => text.split(/\s+/).filter((w) => w !== "" && w !== "```");
const slack = (limit: number) => withLimit(SLACK_CHUNKS, limit);

describe("splitMessage with Slack's rules", () => {
  it("returns short text as one message and empty text as none", () => {
    expect(splitMessage("hello", SLACK_CHUNKS)).toEqual(["hello"]);
    expect(splitMessage("  \n ", SLACK_CHUNKS)).toEqual([]);
  });

  it("splits at paragraph boundaries first", () => {
    const a = "a".repeat(30);
    const b = "b".repeat(30);
    const c = "c".repeat(30);
    expect(splitMessage(`${a}\n\n${b}\n\n${c}`, slack(70))).toEqual([`${a}\n\n${b}`, c]);
  });

  it("splits a long paragraph at line boundaries, then at spaces", () => {
    const lines = Array.from({ length: 10 }, (_v, i) => `line ${i} ${"x".repeat(20)}`);
    const pieces = splitMessage(lines.join("\n"), slack(64));
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(64);
    expect(pieces.join("\n")).toBe(lines.join("\n"));

    const sentence = Array.from({ length: 40 }, (_v, i) => `word${i}`).join(" ");
    const parts = splitMessage(sentence, slack(50));
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(50);
    expect(parts.join(" ")).toBe(sentence);
  });

  it("never leaves a code block open: a long block is closed and reopened with a bare fence", () => {
    const code = Array.from({ length: 40 }, (_v, i) => `const v${i} = ${i};`).join("\n");
    const text = `Here is code:\n\n\`\`\`\n${code}\n\`\`\`\n\nDone.`;
    const pieces = splitMessage(text, slack(200));
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(200);
      expect(slackFences(piece) % 2).toBe(0);
    }
    expect(slackWords(pieces.join("\n"))).toEqual(slackWords(text));
  });

  it("reopens a cut block without its language on Slack and with it on Discord", () => {
    const code = Array.from({ length: 30 }, (_v, i) => `x${i} = ${i}`).join("\n");
    const text = `\`\`\`py\n${code}\n\`\`\``;
    const onSlack = splitMessage(text, slack(100));
    const onDiscord = splitMessage(text, withLimit(DISCORD_CHUNKS, 100));
    expect(onSlack.length).toBeGreaterThan(1);
    expect(onDiscord.length).toBeGreaterThan(1);
    for (const piece of onSlack.slice(1)) expect(piece.startsWith("```\n")).toBe(true);
    for (const piece of onDiscord.slice(1)) expect(piece.startsWith("```py\n")).toBe(true);
  });

  it("does not cut inside a link", () => {
    const link = "<https://e.test/p|one two three four five six seven>";
    const pieces = splitMessage(`${"w ".repeat(10)}${link} tail`, slack(60));
    expect(pieces).toEqual(["w w w w w w w w w w", `${link} tail`]);
    // Discord has no such markup rule: the same text is cut at the last space that fits.
    expect(splitMessage(`${"w ".repeat(10)}${link} tail`, withLimit(DISCORD_CHUNKS, 64))[0]).toContain("<https://");
  });

  it("does not cut inside an entity", () => {
    const pieces = splitMessage(`${"x".repeat(55)}&amp;${"y".repeat(10)}`, slack(58));
    expect(pieces).toEqual(["x".repeat(55), `&amp;${"y".repeat(10)}`]);
  });

  it("keeps every piece under the default limit for a long answer", () => {
    const paragraph = "The derivative measures how a function changes. ".repeat(20);
    const text = Array.from({ length: 12 }, () => paragraph).join("\n\n");
    const pieces = splitMessage(text, SLACK_CHUNKS);
    expect(SLACK_CHUNKS.limit).toBe(SLACK_MESSAGE_LIMIT);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(SLACK_MESSAGE_LIMIT);
    expect(slackWords(pieces.join("\n\n"))).toEqual(slackWords(text));
  });

  it("rejects nonsensical limits, with Slack's smaller floor", () => {
    expect(() => splitMessage("x", slack(3))).toThrow(RangeError);
    expect(() => splitMessage("x", slack(15))).toThrow(RangeError);
    expect(splitMessage("x", slack(16))).toEqual(["x"]);
    expect(() => splitMessage("x", withLimit(DISCORD_CHUNKS, 63))).toThrow(RangeError);
  });
});
