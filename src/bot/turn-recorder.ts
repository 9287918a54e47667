// Commits a turn step by step: an agent's message with its tool results, and the handoff or end of turn it led to,
// in one transaction each — then hands the step's reply to delivery.

import type { ConversationStore } from "../store/conversation-store.js";
import { fromChatMessage } from "../store/row-mapping.js";
import type { ConversationRow } from "../store/types.js";
import type { ChatMessage } from "../workflow/messages.js";
import type { ReplyDelivery } from "./reply-delivery.js";

/** What closes a step besides its own message: a handoff, or the end of the turn (with the agent that has the floor). */
export type StepClose =
  | { readonly kind: "handoff"; readonly from: string; readonly to: string; readonly reason: string }
  | { readonly kind: "completed"; readonly activeAgent: string; readonly userMessageId: number }
  | { readonly kind: "none" };

export class TurnRecorder {
  private pending: { agent: string; message: ChatMessage; results: ChatMessage[] } | undefined;
  /** Replies handed to delivery so far. */
  replies = 0;

  constructor(
    private readonly store: ConversationStore,
    private readonly delivery: ReplyDelivery,
    private readonly conversation: ConversationRow,
  ) {}

  /** An agent's whole response: held until its tool results and what follows are known (the same moment, mostly). */
  response(agent: string, message: ChatMessage): void {
    this.close({ kind: "none" });
    this.pending = { agent, message, results: [] };
  }

  toolResult(message: ChatMessage): void {
    if (this.pending === undefined) throw new Error("A tool result arrived before the response that asked for it.");
    this.pending.results.push(message);
  }

  /** Commits the held step and what closes it in one transaction, then queues its reply for posting. */
  close(close: StepClose): void {
    const { store, conversation } = this;
    const step = this.pending;
    this.pending = undefined;
    if (step === undefined && close.kind === "none") return;
    const text = step?.message.text.trim() ?? "";
    const outboxId = store.transaction(() => {
      let id: number | undefined;
      if (step !== undefined) {
        const stored = store.appendAgentReply(conversation.id, {
          message: fromChatMessage(step.message),
          ...(text === "" ? {} : { reply: { agentName: step.agent, text, kind: "agent" as const } }),
          ...(close.kind === "handoff" ? { handoff: { from: close.from, to: close.to, reason: close.reason } } : {}),
        });
        id = stored.outboxId;
        if (step.results.length > 0) store.appendMessages(conversation.id, step.results.map(fromChatMessage));
      } else if (close.kind === "handoff") {
        store.recordHandoff(conversation.id, { from: close.from, to: close.to, reason: close.reason });
      }
      // Kept current during the turn, so a turn interrupted after a handoff resumes with the agent that has the floor.
      if (close.kind === "handoff") store.setActiveAgent(conversation.id, close.to);
      if (close.kind === "completed") {
        store.setActiveAgent(conversation.id, close.activeAgent);
        store.completeTurn(close.userMessageId, "completed");
      }
      return id;
    });
    if (outboxId !== undefined && step !== undefined) {
      this.replies++;
      void this.delivery.enqueue({ id: outboxId, conversationId: conversation.id, key: conversation.key, agentName: step.agent, text, kind: "agent" });
    }
  }
}
