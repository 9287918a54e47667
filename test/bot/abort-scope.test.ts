// AbortScope: a signal per turn, aborted with the shutdown signal, forgotten when the turn closes it.

import { describe, expect, it } from "vitest";
import { AbortScope } from "../../src/bot/abort-scope.js";

describe("AbortScope", () => {
  it("aborts every open signal with the parent's reason, and only the open ones", () => {
    const shutdown = new AbortController();
    const scope = new AbortScope(shutdown.signal);
    const a = scope.open();
    const b = scope.open();
    const closed = scope.open();
    closed.close();
    expect(scope.size).toBe(2);
    const reason = new Error("shutting down");
    shutdown.abort(reason);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.reason).toBe(reason);
    expect(closed.signal.aborted).toBe(false);
    expect(scope.size).toBe(0);
  });

  it("opens an aborted signal once the parent has aborted", () => {
    const shutdown = new AbortController();
    const scope = new AbortScope(shutdown.signal);
    shutdown.abort("bye");
    const late = scope.open();
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe("bye");
    expect(scope.size).toBe(0);
  });

  it("puts one listener on the parent however many signals it opens", () => {
    const shutdown = new AbortController();
    let added = 0;
    const original = shutdown.signal.addEventListener.bind(shutdown.signal);
    shutdown.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      original(...args);
    }) as AbortSignal["addEventListener"];
    const scope = new AbortScope(shutdown.signal);
    const opened = Array.from({ length: 100 }, () => scope.open());
    for (const turn of opened) turn.signal.addEventListener("abort", () => undefined);
    expect(added).toBe(1);
    for (const turn of opened) turn.close();
    expect(scope.size).toBe(0);
  });
});
