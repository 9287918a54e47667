// The edit throttle of streamed replies: one call per message per interval, a budget shared by every message on one
// key (Discord: the parent channel's webhook; Slack: the channel), and the platform's pauses (429 retry_after).

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EditThrottle } from "../../../src/platforms/common/edit-throttle.js";

/** When each acquire resolved, in fake milliseconds since the start. */
async function timesOf(throttle: EditThrottle, calls: ReadonlyArray<readonly [message: string, shared: string, urgent?: boolean]>): Promise<number[]> {
  const start = Date.now();
  const times: number[] = [];
  const done = calls.map(([message, shared, urgent]) => throttle.acquire(message, shared, urgent).then(() => times.push(Date.now() - start)));
  await vi.runAllTimersAsync();
  await Promise.all(done);
  return times.sort((a, b) => a - b);
}

describe("EditThrottle", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("lets one call per message through per interval; a final edit (urgent) skips the interval", async () => {
    const throttle = new EditThrottle({ perMessageMs: 1_500, shared: { calls: 100, windowMs: 1_000 } });
    expect(await timesOf(throttle, [["m1", "c"]])).toEqual([0]);
    expect(await timesOf(throttle, [["m1", "c"]])).toEqual([1_500]);
    expect(await timesOf(throttle, [["m1", "c", true]])).toEqual([0]);
  });

  it("shares one budget across the messages of different agents and threads on one key, not across keys", async () => {
    const throttle = new EditThrottle({ perMessageMs: 0, shared: { calls: 2, windowMs: 1_000 } });
    // Four messages on one parent channel: two go at once, the other two when the window frees.
    expect(await timesOf(throttle, [["triage@t1", "parent"], ["tutor@t1", "parent"], ["tutor@t2", "parent"], ["tutor@t3", "parent"]])).toEqual([0, 0, 1_000, 1_000]);
    // Another channel's messages are not held back by it.
    expect(await timesOf(throttle, [["tutor@t9", "other"], ["tutor@t8", "other"]])).toEqual([0, 0]);
  });

  it("waits out the platform's pause (429 retry_after) on the key, even for a final edit", async () => {
    const throttle = new EditThrottle({ perMessageMs: 0, shared: { calls: 100, windowMs: 1_000 } });
    throttle.backOff("parent", 2_500);
    expect(await timesOf(throttle, [["m1", "parent", true], ["m2", "other"]])).toEqual([0, 2_500]);
  });

  it("hurry lets a waiting partial edit go at once", async () => {
    const throttle = new EditThrottle({ perMessageMs: 1_500, shared: { calls: 100, windowMs: 1_000 } });
    await throttle.acquire("m1", "c");
    const start = Date.now();
    let at: number | undefined;
    const waiting = throttle.acquire("m1", "c").then(() => (at = Date.now() - start));
    await vi.advanceTimersByTimeAsync(100);
    throttle.hurry("m1");
    await vi.advanceTimersByTimeAsync(0);
    await waiting;
    expect(at).toBe(100);
  });
});
