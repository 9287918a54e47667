// Tests read what the service stored as a moderator of the thread's own workspace would (or, for a listing without a
// workspace, as the operator): one place that names the scope for assertions about stored data.

import { ALL_WORKSPACES, type ConversationSummary, type ModeratorReads, type Transcript } from "../../src/bot/moderator-reads-port.js";
import type { ThreadRef } from "../../src/bot/ports.js";

interface WithReads {
  readonly moderatorReads: ModeratorReads;
}

/** The thread's transcript, read in its own workspace. */
export function transcriptOf(service: WithReads, thread: ThreadRef): Promise<Transcript | undefined> {
  return service.moderatorReads.transcript({ platform: thread.platform, workspace: thread.workspace }, thread);
}

/** The platform's conversations: of one workspace when named, else of all of them. */
export function conversationsOf(
  service: WithReads,
  filter: { readonly platform: string; readonly workspace?: string; readonly channel?: string; readonly limit?: number },
): Promise<ConversationSummary[]> {
  const { platform, workspace, ...rest } = filter;
  return service.moderatorReads.listConversations({ platform, workspace: workspace ?? ALL_WORKSPACES }, rest);
}

/** Forgets the user in one workspace when named, else in all of the platform's. */
export function forgetIn(service: WithReads, platform: string, userId: string, workspace?: string): Promise<number> {
  return service.moderatorReads.forgetUser({ platform, workspace: workspace ?? ALL_WORKSPACES }, userId);
}
