// Commits one agent step as it arrives, in one transaction: its messages, the handoff or end of turn it led to,
// and the replies it posts — then hands the replies to delivery.

import type { AgentStepEvent } from "../workflow/events.js";
import type { ChatMessage } from "../workflow/messages.js";
import type { Workflow } from "../workflow/workflow.js";
import { fromChatMessage } from "./message-mapping.js";
import type { ReplyDelivery } from "./reply-delivery.js";
import type { TurnStreams } from "./reply-streaming.js";
import { storeReplyImages, type ReplyImages } from "./reply-images.js";
import type { StorePort } from "./store-port.js";
import type { Conversation, UsageDelta } from "./store-records.js";

export interface StepCommitContext {
  /** A database locked by another process delays the step, in order, and never loses it. */
  readonly store: StorePort;
  readonly delivery: ReplyDelivery;
  readonly workflow: Workflow;
  readonly conversation: Conversation;
  readonly userMessageId: number;
  /** The turn's streamed replies: a step's stream is linked to its outbox row in the step's own transaction. */
  readonly streams?: TurnStreams;
  /** Display math rendered and stored with the reply's message (origin rendered), so moderators see the images. */
  readonly replyImages?: { readonly render: ReplyImages };
  /** What the step's model calls used, added to today's usage in the step's own transaction (classroom safety's). */
  readonly usageOf?: (messages: readonly ChatMessage[]) => UsageDelta | undefined;
}

/** Whether this step ends the turn: an answer, a cap, or a handoff to a person. */
export function endsTurn(step: AgentStepEvent, workflow: Workflow): boolean {
  return step.next.kind === "final" || step.next.kind === "stop" || (step.next.kind === "handoff" && workflow.human(step.next.to) !== undefined);
}

/** Commits the step; returns how many replies it queued for posting. */
export async function commitStep(context: StepCommitContext, step: AgentStepEvent): Promise<number> {
  const { store, conversation, workflow } = context;
  const next = step.next;
  const handoff = next.kind === "handoff" ? { from: step.agent, to: next.to, reason: next.reason } : undefined;
  const last = endsTurn(step, workflow);
  const replies: Array<{ id: number; text: string }> = [];
  let streamed: number | undefined;
  await context.streams?.settled();
  // Rendered before the transaction (a few ms a formula, cached), stored inside it with the message.
  const render = context.replyImages;
  const imagesOf = (text: string) => (render === undefined || text === "" ? [] : render.render.imagesOf(text));
  const images = imagesOf(step.message.text.trim());
  const closingImages = step.closing === undefined ? [] : imagesOf(step.closing.text.trim());
  const used = context.usageOf?.(step.closing === undefined ? [step.message] : [step.message, step.closing]);
  await store.transaction(async (tx) => {
    replies.length = 0;
    const text = step.message.text.trim();
    const stored = await tx.messages.appendAgentReply(conversation.id, {
      message: fromChatMessage(step.message),
      ...(text === "" ? {} : { reply: { agentName: step.agent, text, kind: "agent" as const } }),
      ...(handoff === undefined ? {} : { handoff }),
    });
    if (stored.outboxId !== undefined) replies.push({ id: stored.outboxId, text });
    streamed = stored.outboxId;
    await context.streams?.linkInTransaction(tx, step.agent, stored.outboxId);
    if (render !== undefined && stored.outboxId !== undefined) await storeReplyImages(tx.attachments, stored.message.id, images);
    if (step.toolResults.length > 0) await tx.messages.append(conversation.id, step.toolResults.map(fromChatMessage));
    if (step.closing !== undefined) {
      const closingText = step.closing.text.trim();
      const closing = await tx.messages.appendAgentReply(conversation.id, {
        message: fromChatMessage(step.closing),
        reply: { agentName: step.agent, text: closingText, kind: "agent" },
      });
      if (closing.outboxId !== undefined) replies.push({ id: closing.outboxId, text: closingText });
      if (render !== undefined) await storeReplyImages(tx.attachments, closing.message.id, closingImages);
    }
    // Kept current during the turn, so a turn interrupted after a handoff resumes with the agent that has the floor.
    if (handoff !== undefined && workflow.agent(handoff.to) !== undefined) await tx.conversations.setActiveAgent(conversation.id, handoff.to);
    if (last) {
      await tx.conversations.setActiveAgent(conversation.id, step.agent);
      await tx.turns.complete(context.userMessageId, "completed");
    }
    if (used !== undefined) await tx.usage.add(used);
  });
  // The step's own text was streamed (when the platform streams): delivery finishes that stream instead of posting.
  const finisher = context.streams?.takeStep(step.agent, streamed, replies.find((reply) => reply.id === streamed)?.text);
  for (const reply of replies) {
    const row = { id: reply.id, conversationId: conversation.id, key: conversation.key, agentName: step.agent, text: reply.text, kind: "agent" as const };
    void context.delivery.enqueue(row, reply.id === streamed ? finisher : undefined);
  }
  return replies.length;
}
