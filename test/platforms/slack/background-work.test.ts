// Work started after the ack: failures are logged (never unhandled), idle() and drain() wait for it.
import { describe, expect, it } from "vitest";
import { BackgroundWork } from "../../../src/platforms/slack/background-work.js";
import { captureLogger, type LogLine } from "./slack-test-bot.js";

describe("BackgroundWork", () => {
  it("logs a failing task and still becomes idle", async () => {
    const logs: LogLine[] = [];
    const work = new BackgroundWork(captureLogger(logs));
    work.run("boom", async () => {
      throw new Error("model exploded");
    });
    expect(work.size).toBe(1);
    await work.idle();
    expect(work.size).toBe(0);
    expect(logs.find((l) => l.level === 50)).toMatchObject({ task: "boom", msg: "slack background task failed" });
  });

  it("idle() waits for every running task", async () => {
    const work = new BackgroundWork(captureLogger([]));
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    work.run("slow", async () => {
      await gate;
      finished.push("slow");
    });
    work.run("fast", async () => {
      finished.push("fast");
    });
    const idle = work.idle().then(() => finished.push("idle"));
    await Promise.resolve();
    release();
    await idle;
    expect(finished).toEqual(["fast", "slow", "idle"]);
  });

  it("drain() gives up after its timeout and says so", async () => {
    const logs: LogLine[] = [];
    const work = new BackgroundWork(captureLogger(logs));
    work.run("stuck", () => new Promise(() => undefined));
    await work.drain(1);
    expect(logs.find((l) => l.level === 40)?.running).toBe(1);
  });
});
