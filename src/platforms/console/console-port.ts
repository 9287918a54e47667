// The console chat's plain output (piped input): `<agent>: <text>` lines, exactly as the seed printed them.

import type { Writable } from "node:stream";
import type { OutboundReply, PlatformPort } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";
import { streamingMathText } from "../common/tex/math-reply.js";

const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** Prints replies; text already streamed as deltas is not printed twice, only its line is ended. */
export class ConsolePort implements PlatformPort {
  readonly platform = "console";
  private streaming: { agent: string; text: string } | undefined;
  /** The streamed line's math, written as Unicode once each formula is complete. */
  private readonly math = new StreamingMath();

  constructor(
    private readonly output: Writable,
    private readonly color: boolean,
  ) {}

  onDelta(agent: string, delta: string): void {
    if (this.streaming === undefined || this.streaming.agent !== agent) {
      this.endStream();
      this.output.write(`${this.label(agent)}: `);
      this.streaming = { agent, text: "" };
    }
    this.streaming.text += delta;
    this.output.write(this.math.push(delta));
  }

  /** The model's stream broke and the step is asked again: the words shown are void, the answer starts on a new line. */
  onRetry(agent: string): void {
    if (this.streaming?.agent !== agent) return;
    this.output.write(" (interrupted, asking again)\n");
    this.streaming = undefined;
  }

  async deliver(reply: OutboundReply): Promise<string> {
    const streamed = this.streaming?.agent === reply.agent.name && this.streaming.text.trim() === reply.text;
    if (streamed) {
      this.output.write(`${this.math.flush()}\n`);
      this.streaming = undefined;
    } else {
      this.endStream();
      this.output.write(`${this.label(reply.agent.name)}: ${streamingMathText(reply.text)}\n`);
    }
    return `console-${reply.replyId}`;
  }

  /** Text that streamed but was never delivered as a reply (e.g. a handoff with no words) still ends its line. */
  endStream(): void {
    if (this.streaming !== undefined) this.output.write(`${this.math.flush()}\n`);
    this.streaming = undefined;
  }

  private label(agent: string): string {
    return this.color ? `${BOLD}${CYAN}${agent}${RESET}` : agent;
  }
}
