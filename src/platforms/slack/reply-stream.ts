// A Slack reply that grows as the model writes: chat.postMessage on the first words (under the agent's username and
// icon), then chat.update of the same message, paced by the edit throttle; past Slack's length it continues in a new
// message. (Slack's own chat.startStream is not used yet: see docs/slack.md.)

import { EditThrottle } from "../common/edit-throttle.js";

/** Slack's chat.update is a Tier 3 method (about 50 a minute) and a channel takes about one message a second. */
export const SLACK_EDIT_INTERVAL_MS = 1_000;
export const SLACK_SHARED_BUDGET = { calls: 3, windowMs: 3_000 } as const;

export function slackEditThrottle(pace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } }): EditThrottle {
  return new EditThrottle(pace ?? { perMessageMs: SLACK_EDIT_INTERVAL_MS, shared: SLACK_SHARED_BUDGET });
}

const FENCE = "```";

/** While the model writes, a code block it leaves open is shown closed (a line that is only ```), if there is room. */
export function closeOpenFence(pieces: readonly string[], limit: number): string[] {
  const shown = [...pieces];
  const last = shown.at(-1);
  if (last === undefined) return shown;
  const fences = last.split("\n").filter((line) => line.trim() === FENCE).length;
  if (fences % 2 === 1 && last.length + FENCE.length + 1 <= limit) shown[shown.length - 1] = `${last}\n${FENCE}`;
  return shown;
}
