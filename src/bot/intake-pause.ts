// Holds new messages back until recovery has queued the unfinished work left from before a restart.

export class IntakePause {
  private paused: { promise: Promise<void>; resume: () => void } | undefined;

  pause(): void {
    if (this.paused !== undefined) return;
    let resume!: () => void;
    const promise = new Promise<void>((resolve) => (resume = resolve));
    this.paused = { promise, resume };
  }

  /** What a new message waits for, or undefined when intake is not paused. */
  waiting(): Promise<void> | undefined {
    return this.paused?.promise;
  }

  /** Recovery has queued its work: intake goes on. */
  release(): void {
    this.paused?.resume();
    this.paused = undefined;
  }

  /** Shutting down: whatever waits goes on (to be refused as aborted). */
  resume(): void {
    this.paused?.resume();
  }
}
