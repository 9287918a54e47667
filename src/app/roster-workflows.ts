// One workflow per distinct (start agent, policy) of agents.yaml's `channels:`, built once at start, shared by channels.

import type { ChatClient } from "../workflow/chat-client.js";
import { UserError } from "../workflow/errors.js";
import type { Workflow } from "../workflow/workflow.js";
import type { Roster } from "../config/agents-file.js";
import { buildWorkflow, type BuildWorkflowOptions } from "./workflow-from-roster.js";

export interface RosterWorkflows {
  /** The roster's own workflow: conversations in any channel without an override. */
  readonly workflow: Workflow;
  /** By channel id, the workflow of each channel with an override (channels with the same override share one). */
  readonly byChannel: ReadonlyMap<string, Workflow>;
}

type CommonOptions = Omit<BuildWorkflowOptions, "start" | "channelPolicy">;

export function buildRosterWorkflows(roster: Roster, client: ChatClient, path = "agents.yaml", options: CommonOptions = {}): RosterWorkflows {
  const workflow = buildWorkflow(roster, client, path, options);
  const variants = new Map<string, Workflow>();
  const byChannel = new Map<string, Workflow>();
  for (const [channel, override] of Object.entries(roster.channels)) {
    const key = `${override.start ?? roster.start}\u0000${override.policy ?? ""}`;
    let variant = variants.get(key);
    if (variant === undefined) {
      try {
        variant = buildWorkflow(roster, client, path, {
          ...options,
          ...(override.start === undefined ? {} : { start: override.start }),
          ...(override.policy === undefined ? {} : { channelPolicy: override.policy }),
        });
      } catch (error) {
        if (error instanceof UserError) throw new UserError(`channels.${channel}: ${error.message}`, { code: "configuration", cause: error });
        throw error;
      }
      variants.set(key, variant);
    }
    byChannel.set(channel, variant);
  }
  return { workflow, byChannel };
}
