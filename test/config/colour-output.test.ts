// Colour on a terminal unless NO_COLOR; FORCE_COLOR decides when set, even into a pipe.

import { expect, it } from "vitest";
import { colourOutput } from "../../src/config/colour-output.js";
import { loadSettings } from "../../src/config/env.js";

/** What the settings loaded from `env` decide for `stream`. */
const colours = (env: Record<string, string>, stream: { isTTY: boolean }) => colourOutput(loadSettings(env, { dotenvPath: "/nonexistent" }).colour, stream);

const tty = { isTTY: true };
const pipe = { isTTY: false };

it("colours a terminal, not a pipe, by default", () => {
  expect(colours({}, tty)).toBe(true);
  expect(colours({}, pipe)).toBe(false);
});

it("turns colour off with a non-empty NO_COLOR (an empty one is ignored, as no-color.org says)", () => {
  expect(colours({ NO_COLOR: "1" }, tty)).toBe(false);
  expect(colours({ NO_COLOR: "" }, tty)).toBe(true);
});

it("lets FORCE_COLOR decide when it is set: on into a pipe, off with 0 or false", () => {
  expect(colours({ FORCE_COLOR: "1" }, pipe)).toBe(true);
  expect(colours({ FORCE_COLOR: "1", NO_COLOR: "1" }, pipe)).toBe(true);
  expect(colours({ FORCE_COLOR: "0" }, tty)).toBe(false);
  expect(colours({ FORCE_COLOR: "false" }, tty)).toBe(false);
});
