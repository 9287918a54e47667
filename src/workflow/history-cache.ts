// The model view of a conversation kept between turns, so that a turn converts only the messages it has not seen.

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
import type { ToolCallFiltering } from "./workflow.js";

/** Earlier turns as every agent of a turn sees them, and the validity scan of that view (see scanToolCalls). */
export interface HistoryView {
  readonly messages: readonly ModelMessage[];
  readonly scan: Readonly<CallScan>;
}

interface Entry extends HistoryView {
  readonly filtering: ToolCallFiltering;
  /** The messages converted so far, by identity: what a later call's list must start with to reuse the view. */
  readonly source: readonly ChatMessage[];
  readonly conversion: ConversionState;
}

/**
 * Keyed by the caller's array: the seed's console loop passes one growing list every turn, and a caller that passes
 * the same list again pays nothing for it. Arrays built afresh each turn (the bot's history window) simply miss.
 */
const views = new WeakMap<readonly ChatMessage[], Entry>();

/**
 * The view of `history`, reusing what an earlier turn converted when the list still starts with the same message
 * objects (ChatMessage is immutable; the list is checked element by element, so edits anywhere in it are seen).
 * Entries are never changed in place: a turn still running keeps the view it started with.
 */
export function historyView(history: readonly ChatMessage[], filtering: ToolCallFiltering): HistoryView {
  const known = views.get(history);
  if (known !== undefined && known.filtering === filtering && startsWith(history, known.source)) {
    if (history.length === known.source.length) return known;
    return remember(history, extend(known, history));
  }
  return remember(history, extend({ filtering, source: [], messages: [], scan: newCallScan(), conversion: {} }, history));
}

function remember(history: readonly ChatMessage[], entry: Entry): Entry {
  views.set(history, entry);
  return entry;
}

function extend(entry: Entry, history: readonly ChatMessage[]): Entry {
  const from = entry.source.length;
  const added: ModelMessage[] = [];
  // The dropped-call ids only grow and are read only while extending the newest entry: sharing them is safe.
  appendModelMessages(added, history, from, entry.filtering, entry.conversion);
  const scan: CallScan = { broken: entry.scan.broken, pending: entry.scan.pending && new Set(entry.scan.pending) };
  scanToolCalls(added, 0, scan);
  return {
    filtering: entry.filtering,
    source: entry.source.concat(history.slice(from)),
    messages: entry.messages.concat(added),
    scan,
    conversion: entry.conversion,
  };
}

function startsWith(history: readonly ChatMessage[], prefix: readonly ChatMessage[]): boolean {
  if (history.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (history[i] !== prefix[i]) return false;
  return true;
}

/**
 * The list one model call receives — the agent's system messages, the earlier turns, this turn so far — made valid for
 * the API as ensureAnsweredToolCalls would, scanning only this turn's part: after system messages a scan is as fresh
 * as at the start of a list, so the history's scan carries over unchanged.
 */
export function requestMessages(
  system: readonly Extract<ModelMessage, { role: "system" }>[],
  earlier: HistoryView,
  turn: readonly ModelMessage[],
): ModelMessage[] {
  const scan: CallScan = { broken: earlier.scan.broken, pending: earlier.scan.pending && new Set(earlier.scan.pending) };
  scanToolCalls(turn, 0, scan);
  const messages = (system as readonly ModelMessage[]).concat(earlier.messages, turn);
  return needsRepair(scan) ? repair(messages) : messages;
}
