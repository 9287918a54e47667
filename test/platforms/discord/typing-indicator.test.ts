// The typing indicator: sent at once, renewed every 8 s until stopped, failures only logged.

import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startTyping, TYPING_RENEW_MS } from "../../../src/platforms/discord/typing-indicator.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("startTyping", () => {
  it("types now and renews every 8 seconds until stopped", () => {
    vi.useFakeTimers();
    let sent = 0;
    const stop = startTyping({ id: "1", sendTyping: async () => void (sent += 1) }, { logger: pino({ level: "silent" }) });
    expect(sent).toBe(1);
    vi.advanceTimersByTime(TYPING_RENEW_MS - 1);
    expect(sent).toBe(1);
    vi.advanceTimersByTime(1);
    expect(sent).toBe(2);
    vi.advanceTimersByTime(TYPING_RENEW_MS * 3);
    expect(sent).toBe(5);
    stop();
    vi.advanceTimersByTime(TYPING_RENEW_MS * 10);
    expect(sent).toBe(5);
  });

  it("keeps going when Discord refuses the indicator", async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const stop = startTyping(
      { id: "1", sendTyping: async () => Promise.reject(new Error(`refused ${++attempts}`)) },
      { logger: pino({ level: "silent" }), intervalMs: 1_000 },
    );
    await vi.advanceTimersByTimeAsync(2_000);
    stop();
    expect(attempts).toBe(3);
  });
});
