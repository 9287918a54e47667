// The ModeratorReads port on the store: one thread's transcript (with files and flags), the list of threads, forgetting
// a user, each confined to its scope where the rows are read.

import type { ClassroomSafety } from "./classroom-safety.js";
import { ALL_WORKSPACES, inScope, type ConversationSummary, type ModeratorReads, type ReadScope, type Transcript } from "./moderator-reads-port.js";
import type { AgentPresentation, ThreadRef } from "./ports.js";
import type { Retention } from "./retention.js";
import type { SafetyReview } from "./safety-review.js";
import type { StorePort } from "./store-port.js";
import { toTranscript } from "./transcript.js";

export interface ModerationReadsDeps {
  readonly store: StorePort;
  /** Whether the service keeps students' files (without it, a transcript lists none). */
  readonly filesKept: boolean;
  readonly safety: ClassroomSafety | undefined;
  readonly retention: Retention;
  readonly presentation: (name: string) => AgentPresentation;
}

export class ModerationReads implements ModeratorReads {
  constructor(private readonly deps: ModerationReadsDeps) {}

  get safety(): SafetyReview | undefined {
    return this.deps.safety;
  }

  async transcript(scope: ReadScope, thread: ThreadRef): Promise<Transcript | undefined> {
    const { store } = this.deps;
    const conversation = inScope(scope, thread) ? await store.conversations.find(thread) : undefined;
    // The row found is checked as well: what is read is what the scope allows, whatever the lookup matched on.
    if (conversation === undefined || !inScope(scope, conversation.key)) return undefined;
    const stored = await store.transcripts.of(conversation.id);
    if (stored === undefined) return undefined;
    const files = this.deps.filesKept ? await store.attachments.ofConversation(stored.conversation.id) : [];
    const flags = (await this.deps.safety?.flagsOf(stored.conversation.id)) ?? [];
    return toTranscript(stored, this.deps.presentation, flags, files);
  }

  async listConversations(scope: ReadScope, filter: { readonly channel?: string; readonly limit?: number } = {}): Promise<ConversationSummary[]> {
    const rows = await this.deps.store.transcripts.list({ ...filter, platform: scope.platform, ...workspaceOf(scope) });
    return rows
      .filter((row) => inScope(scope, row.key))
      .map((row) => ({
        conversationId: row.id,
        thread: row.key,
        messageCount: row.messageCount,
        activeAgent: row.activeAgent,
        updatedAt: new Date(row.updatedAt),
      }));
  }

  async forgetUser(scope: ReadScope, userId: string): Promise<number> {
    const { workspace } = workspaceOf(scope);
    return this.deps.retention.forgetUser(scope.platform, userId, workspace);
  }
}

/** The store's workspace filter: one workspace, or none at all for the operator's explicit all-workspaces scope. */
function workspaceOf(scope: ReadScope): { workspace?: string } {
  return scope.workspace === ALL_WORKSPACES ? {} : { workspace: scope.workspace };
}
