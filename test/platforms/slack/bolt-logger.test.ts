// Bolt's and the Web API client's log lines reach pino at the right level, without tokens.
import { LogLevel } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { boltLevelFor, createBoltLogger, scrubTokens } from "../../../src/platforms/slack/bolt-logger.js";
import { captureLogger, type LogLine } from "./slack-test-bot.js";

describe("createBoltLogger", () => {
  it("forwards each level to pino with the parts joined", () => {
    const logs: LogLine[] = [];
    const bolt = createBoltLogger(captureLogger(logs));
    bolt.debug("a", { b: 1 });
    bolt.info("c");
    bolt.warn("d");
    bolt.error(new Error("e"));
    expect(logs.map((l) => [l.level, l.msg.split("\n")[0], l.lib])).toEqual([
      [20, 'a {"b":1}', "slack-sdk"],
      [30, "c", "slack-sdk"],
      [40, "d", "slack-sdk"],
      [50, "Error: e", "slack-sdk"],
    ]);
  });

  it("never lets a token through", () => {
    const logs: LogLine[] = [];
    const bolt = createBoltLogger(captureLogger(logs));
    bolt.warn("headers", { Authorization: "Bearer xoxb-123-456-abcDEF" }, "app xapp-1-A0-99-ff");
    expect(logs[0]?.msg).not.toMatch(/xoxb-123|xapp-1-A0/);
    expect(scrubTokens("xoxp-1-2 and xoxb-3")).toBe("xoxp-[redacted] and xoxb-[redacted]");
  });

  it("filters by its own level without changing pino's, and ignores names", () => {
    const logs: LogLine[] = [];
    const pino = captureLogger(logs);
    const bolt = createBoltLogger(pino);
    expect(bolt.getLevel()).toBe(LogLevel.DEBUG);
    bolt.setLevel(LogLevel.WARN);
    bolt.setName("web-api:WebClient:9");
    bolt.info("dropped");
    bolt.warn("kept");
    expect(logs.map((l) => l.msg)).toEqual(["kept"]);
    expect(pino.level).toBe("debug");
    expect(boltLevelFor(captureLogger([]).child({}, { level: "error" }))).toBe(LogLevel.ERROR);
  });
});
