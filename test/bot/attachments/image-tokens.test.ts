// OpenAI's tile formula, with the examples of its vision guide.

import { describe, expect, it } from "vitest";
import { imageTokens } from "../../../src/bot/attachments/image-tokens.js";

describe("imageTokens", () => {
  it("costs 85 at low detail whatever the size", () => {
    expect(imageTokens(4096, 4096, "low")).toBe(85);
  });

  it("tiles at high detail: 1024² → 768² → 4 tiles → 765; 2048×4096 → 768×1536 → 6 tiles → 1105", () => {
    expect(imageTokens(1024, 1024, "high")).toBe(765);
    expect(imageTokens(2048, 4096, "high")).toBe(1105);
  });

  it("does not enlarge a small image (one tile) and counts auto as high", () => {
    expect(imageTokens(300, 200, "high")).toBe(255);
    expect(imageTokens(1024, 1024, "auto")).toBe(765);
  });
});
