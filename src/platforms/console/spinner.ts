// A one-line spinner for a terminal ("⠋ Math Tutor is thinking…"), erased without a trace when it stops.

import type { Writable } from "node:stream";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const;
const FRAME_MS = 80;
/** Back to the start of the line, and erase it. */
export const ERASE_LINE = "\r\u001b[2K";

export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;

  constructor(
    private readonly output: Writable,
    private readonly style: (text: string) => string = (text) => text,
  ) {}

  get spinning(): boolean {
    return this.timer !== undefined;
  }

  /** Shows `label` after the turning frame, on the current (empty) line; a running spinner changes its label. */
  start(label: string): void {
    this.stop();
    this.frame = 0;
    const draw = (): void => {
      this.output.write(`${ERASE_LINE}${this.style(`${FRAMES[this.frame % FRAMES.length]} ${label}`)}`);
      this.frame++;
    };
    draw();
    this.timer = setInterval(draw, FRAME_MS);
  }

  /** Erases the spinner's line and leaves the cursor at its start. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.output.write(ERASE_LINE);
  }
}
