// The console chat's look on a terminal: agents by display name in their colours, handoff lines, a spinner, notices.

import type { Writable } from "node:stream";
import type { TurnObserver } from "../../bot/turn-runner.js";
import type { AgentPresentation, OutboundReply, PlatformPort, PostedReply } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";
import { streamingMathText } from "../common/tex/math-reply.js";
import type { Paint } from "./colours.js";
import { Spinner } from "./spinner.js";

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

/**
 * Renders one turn at a time: `beginTurn`, the observer's deltas and handoffs, the service's deliveries, `endTurn`.
 * A streamed reply is delivered after its text was shown (perhaps after the next agent started): it is not shown twice.
 */
export class TerminalPort implements PlatformPort, TurnObserver {
  readonly platform = "console";
  private readonly spinner: Spinner;
  /** The agent whose text is being written on the current line. */
  private line: { agent: string; text: string } | undefined;
  /** Streamed texts whose delivery has not come yet, oldest first. */
  private readonly shown: Array<{ agent: string; text: string }> = [];
  /** Who has the turn: the last agent that wrote or was handed the turn. */
  private holder: string | undefined;
  /** The current line's math, shown as Unicode once each formula is complete. */
  private readonly math = new StreamingMath();

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

  onDelta(agent: string, delta: string): void {
    this.spinner.stop();
    if (this.line?.agent !== agent) {
      this.endLine();
      this.takeTurn(agent);
      this.write(`${this.label(agent)}: `);
      this.line = { agent, text: "" };
    }
    this.line.text += delta;
    this.write(terminalSafe(this.math.push(delta)));
  }

  /** The model's stream broke and the step is asked again: the words shown are void, the answer starts on a new line. */
  onRetry(agent: string): void {
    if (this.line?.agent !== agent) return;
    this.math.reset();
    this.write(` ${this.options.paint.dim("(interrupted, asking again)")}\n`);
    this.line = undefined;
    this.spinner.start(`${this.displayName(agent)} is thinking…`);
  }

  onHandoff(_from: string, to: string): void {
    this.spinner.stop();
    this.endLine();
    this.takeTurn(to);
    this.spinner.start(`${this.displayName(to)} is thinking…`);
  }

  async deliver(reply: OutboundReply): Promise<string> {
    const { paint } = this.options;
    if (reply.kind === "agent" && this.wasShown(reply.agent.name, reply.text)) return `console-${reply.replyId}`;
    const waiting = this.spinner.spinning;
    this.spinner.stop();
    this.endLine();
    if (reply.kind === "notice") {
      this.write(`${paint.notice(`⚠ ${terminalSafe(reply.text)}`)}\n`);
      return `console-${reply.replyId}`;
    }
    const holder = this.holder;
    this.takeTurn(reply.agent.name);
    this.write(`${this.label(reply.agent.name)}: ${terminalSafe(streamingMathText(reply.text))}\n`);
    // A late reply of the agent before the handoff: the next agent's first words are still awaited.
    if (waiting && holder !== undefined && holder !== reply.agent.name) {
      this.holder = holder;
      this.spinner.start(`${this.displayName(holder)} is thinking…`);
    }
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
      this.math.reset();
    } else this.endLine();
    if (ending === "already_answered") this.write(`${paint.dim("(already answered)")}\n`);
    // A cancelled step is never delivered: forget what it showed.
    this.shown.length = 0;
  }

  private wasShown(agent: string, text: string): boolean {
    if (this.line?.agent === agent && this.line.text.trim() === text) {
      this.endLine();
    }
    const index = this.shown.findIndex((s) => s.agent === agent && s.text.trim() === text);
    if (index < 0) return false;
    this.shown.splice(0, index + 1);
    return true;
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
    this.write(`${terminalSafe(this.math.flush())}\n`);
    this.shown.push(this.line);
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
