// Chooses which of the newest messages the model sees: a message and token budget, never starting on an orphan tool result.

import type { WindowMessage } from "../bot/store-records.js";

/**
 * `newestFirst` is what the index scan returned (already capped at maxMessages). Keeps the longest run of newest
 * messages whose token estimates fit in `maxTokens` — always at least the newest, even if it alone is over budget —
 * then drops leading tool results, whose assistant tool-call message fell outside the window: the OpenAI API rejects a
 * tool message without its call. Returns oldest first. It is empty only when every message that fits is such an orphan.
 */
export function fitWindow<M extends Pick<WindowMessage, "role" | "tokenEstimate">>(newestFirst: readonly M[], maxTokens: number): M[] {
  let count = 0;
  let tokens = 0;
  for (const message of newestFirst) {
    if (count > 0 && tokens + message.tokenEstimate > maxTokens) break;
    tokens += message.tokenEstimate;
    count += 1;
  }
  let start = count - 1;
  while (start >= 0 && newestFirst[start]?.role === "tool") start -= 1;
  const window: M[] = [];
  for (let i = start; i >= 0; i -= 1) window.push(newestFirst[i] as M);
  return window;
}
