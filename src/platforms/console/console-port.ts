// The console chat's plain output (piped input): `<agent>: <text>` lines, exactly as the seed printed them. Replies
// stream through the reply-stream contract (openStream → append… → finish), as on Discord and Slack.

import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import type { OutboundReply, PlatformPort, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";
import { streamingMathText } from "../common/tex/math-reply.js";

const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** The line a streamed reply is being written on. */
interface OpenLine {
  readonly owner: symbol;
  readonly math: StreamingMath;
}

/**
 * Prints replies. A streamed one is written as its words come, on its own line; a terminal cannot take back what it
 * printed, so a final text that differs from what was shown (or a reply finished by another process) is printed whole.
 */
export class ConsolePort implements PlatformPort {
  readonly platform = "console";
  private line: OpenLine | undefined;

  constructor(
    private readonly output: Writable,
    private readonly color: boolean,
  ) {}

  openStream(target: StreamTarget, listener: StreamListener): ReplyStream {
    const owner = Symbol(target.agent.name);
    const id = `console-${randomUUID()}`;
    const math = new StreamingMath();
    let shown = "";
    let reported = false;
    const current = (): boolean => this.line?.owner === owner;
    return {
      append: (delta) => {
        if (!current()) {
          // A line never starts with blanks.
          const text = shown === "" ? delta.trimStart() : delta;
          if (text === "") return;
          delta = text;
          this.endTurn();
          this.output.write(`${this.label(target.agent.name)}: `);
          this.line = { owner, math };
        }
        shown += delta;
        this.output.write(math.push(delta));
        if (!reported) listener.onPieces([id]);
        reported = true;
      },
      restart: () => {
        if (current()) {
          this.output.write(" (interrupted, asking again)\n");
          this.line = undefined;
        }
        math.reset();
        shown = "";
      },
      finish: async (finalText) => {
        if (current()) this.endTurn();
        if (shown.trim() !== finalText) this.printWhole(target.agent.name, finalText);
        shown = finalText;
        return [id];
      },
      abandon: async () => {
        if (current()) this.endTurn();
      },
    };
  }

  /** An earlier process streamed this reply to its own output: here it is printed whole. */
  async resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    this.endTurn();
    this.printWhole(reply.agent.name, reply.text);
    return platformMessageIds[0] ?? `console-${reply.replyId}`;
  }

  async deliver(reply: OutboundReply): Promise<string> {
    this.endTurn();
    this.printWhole(reply.agent.name, reply.text);
    return `console-${reply.replyId}`;
  }

  /** Ends the line a stream left open (its reply finished, or the turn ended without one). */
  endTurn(): void {
    if (this.line !== undefined) this.output.write(`${this.line.math.flush()}\n`);
    this.line = undefined;
  }

  private printWhole(agent: string, text: string): void {
    this.output.write(`${this.label(agent)}: ${streamingMathText(text)}\n`);
  }

  private label(agent: string): string {
    return this.color ? `${BOLD}${CYAN}${agent}${RESET}` : agent;
  }
}
