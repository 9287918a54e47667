// The one busy indicator: shown at once, renewed while busy, one per thread however many turns, cleared after the
// show it follows, switched off by a permanent refusal; failures never reach the caller.

import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BusyIndicator, type BusySignal } from "../../../src/platforms/common/busy-indicator.js";

afterEach(() => {
  vi.useRealTimers();
});

const logger = pino({ level: "silent" });
const RENEW_MS = 8_000;

function indicator(signal: BusySignal<string>, extra: { renewMs?: number; permanent?: (error: unknown) => boolean } = {}): BusyIndicator<string> {
  return new BusyIndicator<string>({ signal, key: (thread) => thread, logger, name: "test indicator", ...extra });
}

describe("BusyIndicator", () => {
  it("shows now and renews every period until the work ends (an indicator that fades, as Discord's typing)", async () => {
    vi.useFakeTimers();
    let sent = 0;
    const busy = indicator({ show: async () => void (sent += 1) }, { renewMs: RENEW_MS });
    busy.start("t1");
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toBe(1);
    await vi.advanceTimersByTimeAsync(RENEW_MS - 1);
    expect(sent).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toBe(2);
    await vi.advanceTimersByTimeAsync(RENEW_MS * 3);
    expect(sent).toBe(5);
    await busy.end("t1");
    await vi.advanceTimersByTimeAsync(RENEW_MS * 10);
    expect(sent).toBe(5);
  });

  it("keeps going when the platform refuses it", async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const busy = indicator({ show: async () => Promise.reject(new Error(`refused ${++attempts}`)) }, { renewMs: 1_000 });
    busy.start("t1");
    await vi.advanceTimersByTimeAsync(2_000);
    await busy.end("t1");
    expect(attempts).toBe(3);
  });

  it("shares one indicator per thread: cleared when the last turn there ends, after the show before it", async () => {
    const calls: string[] = [];
    let releaseShow!: () => void;
    const slowShow = new Promise<void>((resolve) => (releaseShow = resolve));
    const busy = indicator({
      show: async (thread) => {
        await slowShow;
        calls.push(`show ${thread}`);
      },
      clear: async (thread) => void calls.push(`clear ${thread}`),
    });
    busy.start("t1");
    busy.start("t1");
    const first = busy.end("t1"); // one turn still runs there: nothing is cleared
    const cleared = busy.end("t1");
    releaseShow();
    await Promise.all([first, cleared]);
    expect(calls).toEqual(["show t1", "clear t1"]);
  });

  it("shows again on refresh only while busy, and stops calling after a permanent refusal", async () => {
    const calls: string[] = [];
    const busy = indicator(
      {
        show: async (thread) => {
          calls.push(`show ${thread}`);
          throw new Error("missing_scope");
        },
        clear: async (thread) => void calls.push(`clear ${thread}`),
      },
      { permanent: (error) => error instanceof Error && error.message === "missing_scope" },
    );
    busy.refresh("t1");
    busy.start("t1");
    await busy.end("t1");
    busy.start("t2");
    busy.refresh("t2");
    await busy.end("t2");
    expect(calls).toEqual(["show t1"]);
  });

  it("gives way to the agent's words on pause while busy, and shows again on refresh", async () => {
    const calls: string[] = [];
    const busy = indicator({ show: async (thread) => void calls.push(`show ${thread}`), clear: async (thread) => void calls.push(`clear ${thread}`) });
    busy.pause("t1"); // not busy there: nothing to clear
    busy.start("t1");
    busy.pause("t1");
    busy.refresh("t1");
    await busy.end("t1");
    expect(calls).toEqual(["show t1", "clear t1", "show t1", "clear t1"]);
  });
  it("shows a change of hands at once, or at the next refresh while the agent's words show; cleared as what it shows now", async () => {
    const calls: string[] = [];
    const busy = new BusyIndicator<{ thread: string; agent: string }>({
      signal: { show: async (t) => void calls.push(`show ${t.agent}`), clear: async (t) => void calls.push(`clear ${t.agent}`) },
      key: (t) => t.thread,
      logger,
      name: "test indicator",
    });
    busy.start({ thread: "t1", agent: "app" });
    busy.working({ thread: "t1", agent: "triage" });
    busy.pause({ thread: "t1", agent: "triage" });
    busy.working({ thread: "t1", agent: "tutor" });
    busy.refresh({ thread: "t1", agent: "triage" });
    busy.working({ thread: "t2", agent: "nobody" });
    await busy.end({ thread: "t1", agent: "app" });
    expect(calls).toEqual(["show app", "show triage", "clear triage", "show tutor", "clear tutor"]);
  });
});
