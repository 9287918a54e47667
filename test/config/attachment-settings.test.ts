// The attachment settings: defaults, each variable read, bad values named.

import { describe, expect, it } from "vitest";
import { DEFAULT_ATTACHMENT_LIMITS } from "../../src/bot/attachments/types.js";
import { loadSettings } from "../../src/config/env.js";

describe("attachment settings", () => {
  it("defaults to the documented limits (4 files, 10 MB, vision on, 4 images in the window, detail auto)", () => {
    expect(loadSettings({}).attachments).toEqual(DEFAULT_ATTACHMENT_LIMITS);
    expect(DEFAULT_ATTACHMENT_LIMITS).toMatchObject({ maxPerMessage: 4, maxBytes: 10 * 1024 * 1024, vision: true, historyImages: 4, imageDetail: "auto" });
  });

  it("reads each variable, and gives the model client the detail", () => {
    const settings = loadSettings({
      BATON_MAX_ATTACHMENTS: "2",
      BATON_MAX_ATTACHMENT_MB: "2.5",
      BATON_MAX_ATTACHMENT_CHARS: "500",
      BATON_VISION: "off",
      BATON_HISTORY_IMAGES: "1",
      BATON_IMAGE_DETAIL: "low",
      OPENAI_API_KEY: "sk-1",
    });
    expect(settings.attachments).toEqual({ maxPerMessage: 2, maxBytes: 2_621_440, maxImageSide: 2048, maxTextChars: 500, vision: false, historyImages: 1, imageDetail: "low" });
    expect(settings.llm).toMatchObject({ provider: "openai", imageDetail: "low" });
  });

  it("rejects bad values naming the variable", () => {
    expect(() => loadSettings({ BATON_VISION: "maybe" })).toThrow(/BATON_VISION="maybe" \(from the environment\): must be on or off/);
    expect(() => loadSettings({ BATON_MAX_ATTACHMENT_MB: "0" })).toThrow(/BATON_MAX_ATTACHMENT_MB/);
    expect(() => loadSettings({ BATON_IMAGE_DETAIL: "ultra" })).toThrow(/BATON_IMAGE_DETAIL="ultra" \(from the environment\): must be auto, low or high/);
  });
});
