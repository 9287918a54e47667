// The model view of one turn: earlier history converted once and shared by every agent of the turn, then each request.

import type { ModelMessage } from "./chat-client.js";
import {
  appendModelMessages,
  needsRepair,
  newCallScan,
  repair,
  scanToolCalls,
  type CallScan,
  type ConversionState,
} from "./history-view.js";
import type { ChatMessage } from "./messages.js";
import type { SystemMessage } from "./plan.js";
import type { ToolCallFiltering } from "./workflow.js";

/**
 * Made at the start of a turn and dropped at its end: nothing is kept between turns, so a caller that rebuilds its
 * history every turn (the bot, from its rows) pays what one that passes the same list pays.
 */
export class TurnView {
  private readonly earlier: ModelMessage[] = [];
  private readonly scan: CallScan = newCallScan();
  private readonly state: ConversionState = {};

  constructor(
    history: readonly ChatMessage[],
    private readonly filtering: ToolCallFiltering,
  ) {
    appendModelMessages(this.earlier, history, 0, filtering, this.state);
    scanToolCalls(this.earlier, 0, this.scan);
  }

  /**
   * What one model call receives: the agent's system message, earlier turns, then this turn — the part before the
   * agent's activation filtered like history, its own activation unfiltered (it sees its refused calls and their
   * errors) — made valid for the API. Only this turn's part is scanned: the history's scan carries over.
   */
  request(
    system: readonly SystemMessage[],
    turn: readonly ChatMessage[],
    activationStart: number,
    continuation: string | undefined,
  ): ModelMessage[] {
    const current: ModelMessage[] = [];
    const state: ConversionState = { ...this.state, ...(this.state.dropped ? { dropped: new Set(this.state.dropped) } : {}) };
    appendModelMessages(current, turn.slice(0, activationStart), 0, this.filtering, state);
    appendModelMessages(current, turn, activationStart, "none", state);
    if (continuation !== undefined) current.push({ role: "user", content: continuation });
    const scan: CallScan = { broken: this.scan.broken, pending: this.scan.pending && new Set(this.scan.pending) };
    scanToolCalls(current, 0, scan);
    const messages = (system as readonly ModelMessage[]).concat(this.earlier, current);
    return needsRepair(scan) ? repair(messages) : messages;
  }
}
