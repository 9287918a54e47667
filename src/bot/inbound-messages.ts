// Storing an accepted message: a student's message with its files and its turn, or one held while a teacher is asked.

import { attachmentTokens, fileDrafts } from "./attachments/stored-attachments.js";
import type { AttachmentLimits, PreparedAttachment } from "./attachments/types.js";
import type { InboundMessage } from "./ports.js";
import type { InboundPlacement, StoreTransaction } from "./store-port.js";
import type { HistoryMessage, ModeratorWait } from "./store-records.js";
import type { QueuedAttachment } from "./attachments/stored-attachments.js";

/** A message waiting in the inbox, with the files intake already prepared. */
export type QueuedInbound = InboundMessage & { readonly queuedAttachments?: readonly QueuedAttachment[] };

export type MessagePlacement = Extract<InboundPlacement, { kind: "message" }>;

export interface InboundMessagesDeps {
  readonly attachments?: { readonly limits: AttachmentLimits };
}

export class InboundMessages {
  constructor(private readonly deps: InboundMessagesDeps) {}

  /**
   * What to store for `inbound`: a student's message opening a turn, or, while the thread waits for a person, a
   * message without one — a moderator's as the human's turn (author: the human participant, name: the moderator's).
   */
  placement(inbound: InboundMessage, files: readonly PreparedAttachment[], wait: ModeratorWait | undefined): MessagePlacement {
    const { attachments } = this.deps;
    const kept = attachments === undefined ? [] : files;
    const extraTokens = kept.length === 0 || attachments === undefined ? 0 : attachmentTokens(kept, attachments.limits.imageDetail);
    const message = {
      role: "user" as const,
      text: inbound.text,
      userId: inbound.user.id,
      userName: inbound.user.name,
      ...(wait !== undefined && inbound.fromModerator === true ? { authorAgent: wait.human } : {}),
      ...(inbound.platformMessageId === undefined ? {} : { platformMessageId: inbound.platformMessageId }),
      ...(extraTokens === 0 ? {} : { extraTokens }),
    };
    const held = wait !== undefined;
    return { kind: "message", message, opensTurn: !held, owesCheck: held && inbound.fromModerator !== true, files: fileDrafts(kept) };
  }

  /** In the caller's transaction: the message, its files and (for a student's turn) the turn's first attempt. */
  async store(tx: StoreTransaction, conversationId: number, placement: MessagePlacement): Promise<HistoryMessage> {
    const { message: draft, opensTurn, owesCheck, files } = placement;
    const message = opensTurn
      ? await tx.messages.appendStudent(conversationId, { userId: draft.userId ?? "", userName: draft.userName ?? "", text: draft.text, ...optional(draft) })
      : (await tx.messages.append(conversationId, [draft]))[0]!;
    for (const file of files) await tx.attachments.add({ ...file, messageId: message.id });
    if (opensTurn) await tx.turns.startAttempt(message.id);
    if (owesCheck === true) await tx.waits.markHeldCheck(message.id);
    return message;
  }
}

function optional(draft: { platformMessageId?: string; extraTokens?: number }): { platformMessageId?: string; extraTokens?: number } {
  return {
    ...(draft.platformMessageId === undefined ? {} : { platformMessageId: draft.platformMessageId }),
    ...(draft.extraTokens === undefined ? {} : { extraTokens: draft.extraTokens }),
  };
}
