// A Discord reply that grows as the model writes: posted on the first words (under the agent's webhook name and
// avatar, or as the bot with the bold name), edited in place, continued in a new message past 2,000 characters.

import { openFenceAfter } from "./split-message.js";

/** How often one streamed message is edited at most (Discord's webhook routes allow about 5 calls per 2 s). */
export const DISCORD_EDIT_INTERVAL_MS = 1_500;
/** The budget every stream through one webhook (one parent channel) shares, before Discord's headers say more. */
export const DISCORD_SHARED_BUDGET = { calls: 5, windowMs: 2_000 } as const;

const CLOSING_FENCE = "\n```";

/**
 * The pieces as shown while the model is still writing: the last one closes a code block it leaves open (so the
 * code renders as code as it grows), if it has room; finished pieces are split as a whole reply would be.
 */
export function streamingPieces(pieces: readonly string[], limit: number): string[] {
  const shown = [...pieces];
  const last = shown.at(-1);
  if (last !== undefined && openFenceAfter(last, null) !== null && last.length + CLOSING_FENCE.length <= limit) {
    shown[shown.length - 1] = last + CLOSING_FENCE;
  }
  return shown;
}
