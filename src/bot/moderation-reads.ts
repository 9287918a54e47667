// What moderators read of conversations: one thread's transcript (with files and flags) and the list of threads.

import type { AttachmentStore } from "../store/attachment-store.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { ClassroomSafety } from "./classroom-safety.js";
import type { AgentPresentation, ConversationSummary, ThreadRef, Transcript } from "./ports.js";
import { toTranscript } from "./transcript.js";

export interface ModerationReadsDeps {
  readonly store: ConversationStore;
  readonly attachments: AttachmentStore | undefined;
  readonly safety: ClassroomSafety | undefined;
  readonly presentation: (name: string) => AgentPresentation;
}

export class ModerationReads {
  constructor(private readonly deps: ModerationReadsDeps) {}

  transcript(ref: ThreadRef): Transcript | undefined {
    const { store } = this.deps;
    const conversation = store.findConversation(ref);
    const stored = conversation && store.transcript(conversation.id);
    if (stored === undefined) return undefined;
    const files = this.deps.attachments?.listByConversation(stored.conversation.id) ?? [];
    return toTranscript(stored, this.deps.presentation, this.deps.safety?.flagsOf(stored.conversation.id) ?? [], files);
  }

  listConversations(filter: { platform: string; workspace?: string; channel?: string; limit?: number }): ConversationSummary[] {
    return this.deps.store.listConversations(filter).map((row) => ({
      conversationId: row.id,
      thread: row.key,
      messageCount: row.messageCount,
      activeAgent: row.activeAgent,
      updatedAt: new Date(row.updatedAt),
    }));
  }
}
