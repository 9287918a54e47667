// Log format: pretty on a terminal, JSON otherwise, LOG_FORMAT overrides; the console chat's log goes to a file.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createFileLogger, logFormatFor } from "../src/logger.js";

it("chooses pretty on a terminal and JSON under systemd, docker and pipes, unless LOG_FORMAT says", () => {
  expect(logFormatFor(undefined, { isTTY: true })).toBe("pretty");
  expect(logFormatFor(undefined, { isTTY: false })).toBe("json");
  expect(logFormatFor(undefined, {})).toBe("json");
  expect(logFormatFor("json", { isTTY: true })).toBe("json");
  expect(logFormatFor("pretty", { isTTY: false })).toBe("pretty");
});

it("the file logger writes redacted JSON lines to its file, creating the folder", () => {
  const path = join(mkdtempSync(join(tmpdir(), "baton-log-")), "data", "baton.log");
  createFileLogger("info", path).warn({ token: "xoxb-secret" }, "model slow");
  const line = JSON.parse(readFileSync(path, "utf8").trim()) as { msg: string; token: string; level: number };
  expect(line).toMatchObject({ msg: "model slow", token: "[redacted]", level: 40 });
});
