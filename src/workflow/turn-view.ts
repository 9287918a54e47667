// The model view of one turn: earlier history converted once and shared by every agent of the turn, then each request.

import type { ModelMessage } from "./chat-client.js";
import { appendModelMessages, ConversionState, convertHistory } from "./history-view.js";
import type { ChatMessage } from "./messages.js";
import type { SystemMessage } from "./plan.js";
import { repair } from "./tool-call-pairing.js";
import type { ToolCallFiltering } from "./workflow.js";

/**
 * Made at the start of a turn and dropped at its end: nothing is kept between turns, so a caller that rebuilds its
 * history every turn (the bot, from its rows) pays what one that passes the same list pays.
 */
export class TurnView {
  private readonly earlier: ModelMessage[];
  private readonly state = ConversionState.start();

  constructor(
    history: readonly ChatMessage[],
    private readonly filtering: ToolCallFiltering,
  ) {
    this.earlier = convertHistory(history, filtering, this.state);
  }

  /**
   * What one model call receives: the agent's system message, earlier turns, then this turn — the part before the
   * agent's activation filtered like history, its own activation unfiltered (it sees its refused calls and their
   * errors) — made valid for the API. Only this turn's part is converted and checked: the history's state carries over.
   */
  request(
    system: readonly SystemMessage[],
    turn: readonly ChatMessage[],
    activationStart: number,
    continuation: string | undefined,
  ): ModelMessage[] {
    const current: ModelMessage[] = [];
    const state = this.state.fork();
    appendModelMessages(current, turn, { from: 0, to: activationStart, filtering: this.filtering }, state);
    appendModelMessages(current, turn, { from: activationStart, filtering: "none" }, state);
    if (continuation !== undefined) {
      const prompt: ModelMessage = { role: "user", content: continuation };
      current.push(prompt);
      state.pairing.see(prompt);
    }
    // Copied before concat: the plan's array is frozen, and concat on a frozen receiver leaves V8's fast path (~20× slower
    // at 2,000 messages).
    const messages = (system as readonly ModelMessage[]).slice().concat(this.earlier, current);
    return state.pairing.needsRepair ? repair(messages) : messages;
  }
}
