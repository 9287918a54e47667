// Invisible format characters (zero-width spaces, joiners, BOMs, tags…) never make a message look non-empty.

import { afterEach, describe, expect, it } from "vitest";
import { cleanText } from "../../src/bot/input.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

const INVISIBLE_ONLY = [
  "\u200B",
  "\u200B\u200C\u200D\u2060\uFEFF",
  " \u200B \u2060\n\uFEFF ",
  "\u00AD\u180E\u2061\u2062\u2063\u2064\u200E\u200F\u061C",
  "\u{E0041}\u{E0042}\u{E007F}",
  "\u3164\u115F\u1160\uFFA0\u2800",
  "\u034F\uFE0F",
];

describe("cleanText", () => {
  it("reduces text made only of invisible characters to nothing", () => {
    for (const text of INVISIBLE_ONLY) expect(cleanText(text), JSON.stringify(text)).toBe("");
  });

  it("takes zero-width characters out of words, and keeps the joiners that make emoji and scripts right", () => {
    expect(cleanText("2\u200B+\u2060\u20602\uFEFF")).toBe("2+2");
    expect(cleanText("\u200Dwhat is 2+2?\u200C")).toBe("what is 2+2?");
    // ZWJ inside an emoji sequence (family), ZWNJ inside a Persian word, and the tag sequence of a subdivision flag.
    expect(cleanText("👨\u200D👩\u200D👧")).toBe("👨\u200D👩\u200D👧");
    expect(cleanText("می\u200Cخواهم")).toBe("می\u200Cخواهم");
    const england = "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
    expect(cleanText(`${england} history`)).toBe(`${england} history`);
    expect(cleanText("a \u200D b")).toBe("a  b");
  });
});

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a message of invisible characters only", () => {
  it("is ignored as empty and never reaches the model", async () => {
    h = await startServiceHarness();
    const port = new RecordingPort("test");
    h.gateway.registerPort(port);
    const ref = { platform: "test", workspace: "w", channel: "c", thread: "t" };
    for (const [i, text] of INVISIBLE_ONLY.entries()) {
      expect(await h.gateway.accept(envelopeOf({ ...ref, eventId: `e${i}`, user: { id: "u", name: "U" }, text }))).toEqual({ status: "ignored", reason: "empty" });
    }
    expect(h.fakeOpenAI.requests).toEqual([]);
    expect(port.delivered).toEqual([]);
  });
});
