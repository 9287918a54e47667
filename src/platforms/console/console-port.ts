// The console chat's plain output (piped input): `<agent>: <text>` lines, exactly as the seed printed them. Replies
// stream through the reply-stream contract (openStream → append… → finish), as on Discord and Slack.

import type { Writable } from "node:stream";
import type { OutboundReply, PlatformPort, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";
import { streamingMathText } from "../common/tex/math-reply.js";
import { consoleLineStream } from "./line-stream.js";

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
    const agent = target.agent.name;
    return consoleLineStream(agent, listener, {
      owns: (owner) => this.line?.owner === owner,
      openLine: (owner, math) => {
        this.endTurn();
        this.output.write(`${this.label(agent)}: `);
        this.line = { owner, math };
      },
      write: (text) => this.output.write(text),
      interrupted: () => {
        this.output.write(" (interrupted, asking again)\n");
        this.line = undefined;
      },
      endLine: () => this.endTurn(),
      printWhole: (text) => this.printWhole(agent, text),
      abandon: () => this.endTurn(),
    });
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
