// The slow files the sequencer starts first still exist: a renamed one would silently lose its head start.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { SLOW_FILES } from "../support/slow-first-sequencer.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

it("names only test files that exist, each once", () => {
  expect(SLOW_FILES.filter((path) => !existsSync(ROOT + path))).toEqual([]);
  expect(new Set(SLOW_FILES).size).toBe(SLOW_FILES.length);
  for (const path of SLOW_FILES) expect(path).toMatch(/^test\/.+\.test\.ts$/);
});
