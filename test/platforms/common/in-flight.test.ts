// Work started by a platform event: failures are logged (never unhandled), idle() and drain() wait for it, drain up to a limit.
import { describe, expect, it } from "vitest";
import { InFlightWork } from "../../../src/platforms/common/in-flight.js";
import { captureLogger, type LogLine } from "../slack/slack-test-bot.js";

describe("InFlightWork", () => {
  it("logs a failing task and still becomes idle", async () => {
    const logs: LogLine[] = [];
    const work = new InFlightWork(captureLogger(logs));
    work.run("boom", async () => {
      throw new Error("model exploded");
    });
    expect(work.size).toBe(1);
    await work.idle();
    expect(work.size).toBe(0);
    expect(logs.find((l) => l.level === 50)).toMatchObject({ task: "boom", msg: "work started by a platform event failed" });
  });

  it("idle() waits for every running task", async () => {
    const work = new InFlightWork(captureLogger([]));
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

  it("drain() resolves true once everything finished within the limit", async () => {
    const work = new InFlightWork(captureLogger([]));
    let release!: () => void;
    work.run("short", () => new Promise<void>((resolve) => (release = resolve)));
    const drained = work.drain(60_000);
    release();
    expect(await drained).toBe(true);
  });

  it("drain() gives up after its timeout and says so", async () => {
    const logs: LogLine[] = [];
    const work = new InFlightWork(captureLogger(logs));
    work.run("stuck", () => new Promise(() => undefined));
    expect(await work.drain(1)).toBe(false);
    expect(logs.find((l) => l.level === 40)?.running).toBe(1);
  });
});
