// The console chat's look on a terminal: agents by display name in their colours, streamed replies (the reply-stream
// contract, as on Discord and Slack), handoff lines, a spinner, notices.

import type { Writable } from "node:stream";
import type { TurnObserver } from "../../bot/turn-runner.js";
import type { AgentPresentation, OutboundReply, PlatformPort, PostedReply, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";
import { streamingMathText } from "../common/tex/math-reply.js";
import type { Paint } from "./colours.js";
import { Spinner } from "./spinner.js";
import { consoleLineStream } from "./line-stream.js";

export interface TerminalPortOptions {
  readonly output: Writable;
  readonly paint: Paint;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
}

/**
 * Model and student text reaches the terminal without control characters: an escape sequence in an answer could
 * clear the screen, retitle the window or write to the clipboard. Newlines and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

/** How a turn ended, as the terminal says it. */
export type TurnEnding = "answered" | "cancelled" | "already_answered";

/** The line a streamed reply is being written on. */
interface OpenLine {
  readonly owner: symbol;
  readonly agent: string;
  readonly math: StreamingMath;
}

/**
 * Renders one turn at a time: `beginTurn`, the replies' streams (openStream → append… → finish) and the observer's
 * handoffs, the service's deliveries of replies that did not stream, `endTurn`. A terminal cannot take back what it
 * printed: a final text that differs from what was shown, or a reply another process was writing, is printed whole.
 */
export class TerminalPort implements PlatformPort, TurnObserver {
  readonly platform = "console";
  private readonly spinner: Spinner;
  private line: OpenLine | undefined;
  /** Who has the turn: the last agent that wrote or was handed the turn. */
  private holder: string | undefined;

  constructor(private readonly options: TerminalPortOptions) {
    this.spinner = new Spinner(options.output, (text) => options.paint.dim(text));
  }

  beginTurn(): void {
    this.holder = undefined;
    this.spinner.start("thinking…");
  }

  /** A question from before a restart is answered now: show it as if just asked. */
  onResume(question: string): void {
    this.spinner.stop();
    this.endLine();
    const { paint } = this.options;
    this.write(`${paint.bold("Q:")} ${terminalSafe(question)} ${paint.dim("(resumed)")}\n`);
    this.beginTurn();
  }

  onHandoff(_from: string, to: string): void {
    this.spinner.stop();
    this.endLine();
    this.takeTurn(to);
    this.spinner.start(`${this.displayName(to)} is thinking…`);
  }

  openStream(target: StreamTarget, listener: StreamListener): ReplyStream {
    const agent = target.agent.name;
    return consoleLineStream(agent, listener, {
      owns: (owner) => this.line?.owner === owner,
      openLine: (owner, math) => {
        this.spinner.stop();
        this.endLine();
        this.takeTurn(agent);
        this.write(`${this.label(agent)}: `);
        this.line = { owner, agent, math };
      },
      write: (text) => this.write(terminalSafe(text)),
      // The model's stream broke and the step is asked again: the words shown are void, the answer starts on a new line.
      interrupted: () => {
        this.write(` ${this.options.paint.dim("(interrupted, asking again)")}\n`);
        this.line = undefined;
        this.spinner.start(`${this.displayName(agent)} is thinking…`);
      },
      endLine: () => this.endLine(),
      printWhole: (text) => this.printWhole(agent, text),
      // A cancelled answer stays where it stopped: endTurn marks it.
      abandon: () => undefined,
    });
  }

  /** An earlier process was writing this reply on its own terminal: here it is printed whole. */
  async resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    this.printWhole(reply.agent.name, reply.text);
    return platformMessageIds[0] ?? `console-${reply.replyId}`;
  }

  async deliver(reply: OutboundReply): Promise<string> {
    if (reply.kind === "notice") {
      const waiting = this.spinner.spinning;
      this.spinner.stop();
      this.endLine();
      this.write(`${this.options.paint.notice(`⚠ ${terminalSafe(reply.text)}`)}\n`);
      if (waiting) this.spinner.start("thinking…");
    } else this.printWhole(reply.agent.name, reply.text);
    return `console-${reply.replyId}`;
  }

  /** A terminal cannot take back what it printed: the withheld answer's replacement follows it, as a notice. */
  async replaceReply(reply: PostedReply, text: string): Promise<void> {
    const waiting = this.spinner.spinning;
    this.spinner.stop();
    this.endLine();
    const { paint } = this.options;
    this.write(`${paint.notice(`⚠ ${this.displayName(reply.agent.name)}'s answer above — ${terminalSafe(text)}`)}\n`);
    if (waiting) this.spinner.start("thinking…");
  }

  endTurn(ending: TurnEnding): void {
    const { paint } = this.options;
    this.spinner.stop();
    if (ending === "cancelled") {
      this.write(this.line === undefined ? `${paint.dim("(cancelled)")}\n` : ` ${paint.dim("(cancelled)")}\n`);
      this.line = undefined;
    } else this.endLine();
    if (ending === "already_answered") this.write(`${paint.dim("(already answered)")}\n`);
  }

  /** A whole reply on its own line (with the handoff line when the agent changed); the next agent is still awaited. */
  private printWhole(agent: string, text: string): void {
    const waiting = this.spinner.spinning;
    this.spinner.stop();
    this.endLine();
    const holder = this.holder;
    this.takeTurn(agent);
    this.write(`${this.label(agent)}: ${terminalSafe(streamingMathText(text))}\n`);
    // A late reply of the agent before the handoff: the next agent's first words are still awaited.
    if (waiting && holder !== undefined && holder !== agent) {
      this.holder = holder;
      this.spinner.start(`${this.displayName(holder)} is thinking…`);
    }
  }

  /** The turn passes to `agent`: say so on its own line when someone else had it. */
  private takeTurn(agent: string): void {
    if (this.holder !== undefined && this.holder !== agent) {
      const { paint } = this.options;
      this.write(`${paint.dim("→")} ${paint.agent(agent, this.displayName(agent))}\n`);
    }
    this.holder = agent;
  }

  private endLine(): void {
    if (this.line === undefined) return;
    this.write(`${terminalSafe(this.line.math.flush())}\n`);
    this.line = undefined;
  }

  private label(agent: string): string {
    return this.options.paint.agent(agent, this.displayName(agent));
  }

  private displayName(agent: string): string {
    return this.options.agents.get(agent)?.displayName ?? agent;
  }

  private write(text: string): void {
    this.options.output.write(text);
  }
}
