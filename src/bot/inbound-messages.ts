// Storing an accepted message: a student's message with its files and its turn, or one held while a teacher is asked.

import type { AttachmentStore } from "../store/attachment-store.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { StoredMessage } from "../store/types.js";
import type { WaitingState } from "../store/waiting-queries.js";
import { attachmentTokens, storeAttachments, type QueuedAttachment } from "./attachments/stored-attachments.js";
import type { AttachmentLimits, PreparedAttachment } from "./attachments/types.js";
import type { InboundMessage } from "./ports.js";
import type { TeacherHandoff } from "./teacher-handoff.js";

/** A message waiting in the inbox, with the files intake already prepared. */
export type QueuedInbound = InboundMessage & { readonly queuedAttachments?: readonly QueuedAttachment[] };

export interface InboundMessagesDeps {
  readonly store: ConversationStore;
  readonly teacher: TeacherHandoff;
  readonly attachments?: { readonly store: AttachmentStore; readonly limits: AttachmentLimits };
}

export class InboundMessages {
  constructor(private readonly deps: InboundMessagesDeps) {}

  /** In the caller's transaction: the message, its files, its turn. */
  storeUser(conversationId: number, inbound: InboundMessage, files: readonly PreparedAttachment[]): StoredMessage {
    const { store, attachments } = this.deps;
    const stored = store.appendUserMessage(conversationId, {
      userId: inbound.user.id,
      userName: inbound.user.name,
      text: inbound.text,
      ...(inbound.platformMessageId === undefined ? {} : { platformMessageId: inbound.platformMessageId }),
      ...(files.length === 0 || attachments === undefined ? {} : { extraTokens: attachmentTokens(files, attachments.limits.imageDetail) }),
    });
    if (attachments !== undefined && files.length > 0) storeAttachments(attachments.store, stored.id, files);
    store.startTurnAttempt(stored.id);
    return stored;
  }

  /** In the caller's transaction: a message written while the thread waits for a teacher, with its files, no turn. */
  storeHeld(conversationId: number, inbound: InboundMessage, files: readonly PreparedAttachment[], waiting: WaitingState): StoredMessage {
    const { attachments } = this.deps;
    const extraTokens = files.length === 0 || attachments === undefined ? 0 : attachmentTokens(files, attachments.limits.imageDetail);
    const stored = this.deps.teacher.storeHeld(conversationId, inbound, waiting, extraTokens);
    if (attachments !== undefined && files.length > 0) storeAttachments(attachments.store, stored.id, files);
    return stored;
  }
}
