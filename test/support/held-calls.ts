// Holds calls to a fake (a Web API method, a REST route) open until the test releases them: a slow service, or a crash in mid-call.

export interface Hold {
  /** Resolves once `count` calls are being held (counting those already held). */
  arrived(count?: number): Promise<void>;
  /** Lets the held calls (and later ones) through. */
  release(): void;
}

export class HeldCalls {
  readonly #holds = new Map<string, { held: number; released: Promise<void>; waiters: Array<{ count: number; resolve: () => void }> }>();

  hold(method: string): Hold {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const entry = { held: 0, released, waiters: [] as Array<{ count: number; resolve: () => void }> };
    this.#holds.set(method, entry);
    return {
      arrived: (count = 1) => (entry.held >= count ? Promise.resolve() : new Promise((resolve) => entry.waiters.push({ count, resolve }))),
      release: () => {
        if (this.#holds.get(method) === entry) this.#holds.delete(method);
        release();
      },
    };
  }

  /** Waits while `method` is held; resolves at once otherwise. */
  async wait(method: string): Promise<void> {
    const entry = this.#holds.get(method);
    if (entry === undefined) return;
    entry.held += 1;
    for (const waiter of entry.waiters.filter((w) => entry.held >= w.count)) {
      entry.waiters.splice(entry.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    await entry.released;
  }
}
