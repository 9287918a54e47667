// Runs tasks one at a time per key, in the order they were queued; different keys run concurrently.

export class KeyedQueue<K> {
  private readonly tails = new Map<K, Promise<void>>();

  /** Queues `task` behind every earlier task of `key`; resolves with its result. Idle keys hold no memory. */
  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether anything of `key` is queued or running. */
  busy(key: K): boolean {
    return this.tails.has(key);
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
