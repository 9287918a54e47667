// An in-memory ModeratorReads for adapter tests over a FakeGateway: as strict about scope as the real one (it runs the
// same contract suite, test/bot/moderator-reads.case.ts), so an adapter that asks outside its workspace gets nothing.

import { inScope, type ConversationSummary, type ModeratorReads, type ReadScope, type Transcript } from "../../src/bot/moderator-reads-port.js";
import type { ThreadRef } from "../../src/bot/ports.js";
import type { SafetyReview } from "../../src/bot/safety-review.js";

const keyOf = (ref: ThreadRef): string => JSON.stringify([ref.platform, ref.workspace, ref.channel, ref.thread]);

export class FakeModeratorReads implements ModeratorReads {
  safety: SafetyReview | undefined;
  /** Every forgetUser call, with its scope, in order. */
  readonly forgotten: Array<{ readonly scope: ReadScope; readonly userId: string }> = [];
  readonly #transcripts = new Map<string, Transcript>();
  readonly #updatedAt = new Map<string, Date>();

  /** Stores a conversation as the service would have it (replacing one of the same thread). */
  setTranscript(transcript: Transcript, updatedAt: Date = transcript.entries.at(-1)?.at ?? transcript.startedAt): void {
    this.#transcripts.set(keyOf(transcript.thread), transcript);
    this.#updatedAt.set(keyOf(transcript.thread), updatedAt);
  }

  async transcript(scope: ReadScope, thread: ThreadRef): Promise<Transcript | undefined> {
    const found = this.#transcripts.get(keyOf(thread));
    return found !== undefined && inScope(scope, found.thread) ? found : undefined;
  }

  async listConversations(scope: ReadScope, filter: { readonly channel?: string; readonly limit?: number } = {}): Promise<ConversationSummary[]> {
    return [...this.#transcripts.values()]
      .filter((t) => inScope(scope, t.thread) && (filter.channel === undefined || t.thread.channel === filter.channel))
      .map((t) => ({
        conversationId: t.conversationId,
        thread: t.thread,
        messageCount: t.entries.filter((e) => e.kind === "message").length,
        activeAgent: t.activeAgent,
        updatedAt: this.#updatedAt.get(keyOf(t.thread)) ?? t.startedAt,
      }))
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
      .slice(0, filter.limit ?? 25);
  }

  async forgetUser(scope: ReadScope, userId: string): Promise<number> {
    this.forgotten.push({ scope, userId });
    let deleted = 0;
    for (const [key, t] of this.#transcripts) {
      if (!inScope(scope, t.thread)) continue;
      const entries = t.entries.filter((e) => !(e.kind === "message" && e.role === "user" && e.authorId === userId));
      deleted += t.entries.length - entries.length;
      // As the store does: a conversation left without any student message goes with them.
      if (entries.some((e) => e.kind === "message" && e.role === "user")) this.#transcripts.set(key, { ...t, entries });
      else if (entries.length !== t.entries.length) this.#transcripts.delete(key);
    }
    return deleted;
  }
}
