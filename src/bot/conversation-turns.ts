// Turn running for the service: stores a queued message, runs its turn through the safety step, asks a teacher.

import type { PreparedAttachment } from "./attachments/types.js";
import type { ClassroomSafety } from "./classroom-safety.js";
import type { InboundMessages } from "./inbound-messages.js";
import type { HandleOutcome, InboundMessage } from "./ports.js";
import type { ReplyDelivery } from "./reply-delivery.js";
import type { StorePort } from "./store-port.js";
import type { HistoryMessage } from "./store-records.js";
import type { TeacherHandoff } from "./teacher-handoff.js";
import type { TurnControl, TurnRunner } from "./turn-runner.js";

export interface ConversationTurnsDeps {
  readonly store: StorePort;
  readonly messages: InboundMessages;
  readonly teacher: TeacherHandoff;
  readonly delivery: ReplyDelivery;
  readonly runner: TurnRunner;
  readonly safety: ClassroomSafety | undefined;
  /** Aborted at close(): running turns are interrupted and stay pending. */
  readonly shutdown: AbortSignal;
}

export class ConversationTurns {
  constructor(private readonly deps: ConversationTurnsDeps) {}

  /** Stores the message (leaving the inbox in the same transaction), then runs its turn. */
  async process(
    conversationId: number,
    inboxId: number,
    inbound: InboundMessage,
    files: readonly PreparedAttachment[],
    control?: TurnControl,
  ): Promise<HandleOutcome> {
    const { store, messages } = this.deps;
    // Shutting down: the message stays in the inbox and is taken up at the next start.
    if (this.deps.shutdown.aborted) return { status: "failed", conversationId, errorCode: "aborted" };
    const message = await store.transaction(async (tx) => {
      // Gone: the user was forgotten while it waited, or another task already took it.
      if (!(await tx.intake.takeQueued(inboxId))) return undefined;
      if ((await tx.conversations.get(conversationId)) === undefined) return undefined; // purged while it waited
      const placement = messages.placement(inbound, files, await tx.waits.of(conversationId));
      const stored = await messages.store(tx, conversationId, placement);
      return placement.opensTurn ? stored : { held: stored };
    });
    if (message === undefined) return { status: "ignored", reason: "empty" };
    if ("held" in message) return this.checkHeld(conversationId, message.held, inbound);
    return this.run(conversationId, message, control);
  }

  /**
   * A message stored while the thread waits for a teacher: a student's still gets the safety check (never a turn), once;
   * recover() calls it again for one whose check a crash cut off.
   */
  async checkHeld(conversationId: number, message: HistoryMessage, inbound: Pick<InboundMessage, "fromModerator">): Promise<HandleOutcome> {
    const { safety, store, shutdown } = this.deps;
    const held = { status: "held", conversationId } as const;
    if (inbound.fromModerator === true) return held;
    // Another task ran it first (a live message's and recovery's tasks are queued in turn), or the message is gone.
    if (!(await store.waits.heldCheckPending(message.id))) return held;
    const conversation = await store.conversations.get(conversationId);
    if (safety !== undefined && conversation !== undefined) {
      await safety.checkHeld(conversation, message, shutdown);
      await this.deps.delivery.settled(conversationId);
    }
    // Shutting down mid-check: it stays owed, and the next start runs it.
    if (!shutdown.aborted) await store.waits.settleHeldCheck(message.id);
    return held;
  }

  async run(conversationId: number, message: HistoryMessage, control?: TurnControl): Promise<HandleOutcome> {
    const { store, safety, delivery, teacher, shutdown } = this.deps;
    // Read now, not when queued: the active agent may have changed while this turn waited.
    const conversation = await store.conversations.get(conversationId);
    if (conversation === undefined) return { status: "ignored", reason: "empty" };
    if ((await store.waits.of(conversationId)) !== undefined) {
      // A turn left pending (e.g. by a crash) in a thread since handed to a person: the agents do not answer there.
      await store.turns.complete(message.id, "failed", "waiting_for_teacher");
      return { status: "held", conversationId };
    }
    const gate = await safety?.beforeTurn(conversation, message, shutdown);
    if (gate?.kind === "stopped") {
      await delivery.settled(conversationId);
      return { status: "rejected", reason: gate.reason, conversationId };
    }
    const outcome = await this.deps.runner.run(conversation, message, shutdown, control);
    if (outcome.status === "completed" && outcome.humanRequest !== undefined) await teacher.ask(conversation, message, outcome.humanRequest);
    await delivery.settled(conversationId);
    if (outcome.status !== "interrupted") await safety?.afterTurn(conversation, message, shutdown);
    switch (outcome.status) {
      case "completed":
        return { status: "completed", conversationId, replies: outcome.replies };
      case "failed":
        return { status: "failed", conversationId, errorCode: outcome.errorCode };
      case "interrupted":
        return { status: "failed", conversationId, errorCode: "aborted" };
      case "cancelled":
        return { status: "failed", conversationId, errorCode: "cancelled" };
    }
  }
}
