// How each participant of a workflow is shown on the platforms: the bot's presentation map, derived from the agents.

import type { AgentPresentation } from "../bot/ports.js";
import type { Workflow } from "../workflow/workflow.js";

/** How each agent (and each human, by display name) is shown; a human's messages are posted by the person, not the bot. */
export function presentations(workflow: Workflow): ReadonlyMap<string, AgentPresentation> {
  return new Map([
    ...[...workflow.agents.values()].map((a): [string, AgentPresentation] => [
      a.name,
      {
        name: a.name,
        displayName: a.displayName,
        ...(a.emoji !== undefined ? { emoji: a.emoji } : {}),
        ...(a.avatarUrl !== undefined ? { avatarUrl: a.avatarUrl } : {}),
      },
    ]),
    ...[...workflow.humans.values()].map((h): [string, AgentPresentation] => [h.name, { name: h.name, displayName: h.displayName }]),
  ]);
}
