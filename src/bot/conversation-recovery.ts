// After a restart: replies never sent, turns the process died in, held messages never checked, messages still in the
// inbox, events not yet messages.

import type { Logger } from "pino";
import { fromQueued } from "./attachments/stored-attachments.js";
import type { ClassroomSafety } from "./classroom-safety.js";
import type { ConversationTurns } from "./conversation-turns.js";
import type { QueuedInbound } from "./inbound-messages.js";
import type { IntakePause } from "./intake-pause.js";
import type { KeyedQueue } from "./keyed-queue.js";
import type { HandleOutcome, ThreadRef } from "./ports.js";
import type { ReceivedIntake } from "./received-intake.js";
import type { ReplyDelivery } from "./reply-delivery.js";
import type { StorePort } from "./store-port.js";
import type { Conversation } from "./store-records.js";
import type { TeacherHandoff } from "./teacher-handoff.js";
import type { TurnControl } from "./turn-runner.js";

export const GAVE_UP_NOTICE = "Sorry, I couldn't finish answering your last question. Please ask it again.";

export interface ConversationRecoveryDeps {
  readonly store: StorePort;
  readonly intake: ReceivedIntake;
  readonly queue: KeyedQueue<number>;
  readonly pause: IntakePause;
  readonly delivery: ReplyDelivery;
  readonly safety: ClassroomSafety | undefined;
  readonly teacher: TeacherHandoff;
  readonly turns: ConversationTurns;
  readonly logger: Logger;
  /** A turn interrupted by a crash is run again this many times in all before it is marked failed. */
  readonly maxTurnAttempts: number;
  readonly notify: (conversation: Conversation, text: string) => Promise<void>;
}

export interface Recovered {
  replies: number;
  turns: number;
  queued: number;
}

/** See ConversationService.recover. */
export async function recoverConversations(deps: ConversationRecoveryDeps, only: ThreadRef | undefined, control: TurnControl): Promise<Recovered> {
  const { store, logger, delivery, safety, teacher, queue } = deps;
  const mine = (key: ThreadRef): boolean => delivery.hasPort(key.platform) && (only === undefined || sameThread(key, only));
  const work: Array<Promise<unknown>> = [];
  let turns = 0;
  let queued = 0;
  let replies = 0;
  try {
    replies = await delivery.flushPending(mine);
    // After the replies: an answer withheld before it was ever posted has just been posted as the notice.
    const replacements = (await safety?.recoverReplacements(mine)) ?? 0;
    if (replacements > 0) logger.info({ replacements }, "replacing withheld answers left from before the restart");
    const alerts = (await safety?.recoverAlerts(mine)) ?? 0;
    if (alerts > 0) logger.info({ alerts }, "posting safety alerts left from before the restart");
    const teacherAlerts = await teacher.recoverAlerts(mine);
    if (teacherAlerts > 0) logger.info({ teacherAlerts }, "posting teacher requests' alerts left from before the restart");
    for (const { message, conversation } of await store.turns.pending()) {
      if (!mine(conversation.key)) continue;
      if (message.turnAttempts >= deps.maxTurnAttempts) {
        await store.turns.complete(message.id, "failed", "interrupted");
        work.push(queue.run(conversation.id, () => deps.notify(conversation, GAVE_UP_NOTICE)));
        continue;
      }
      turns++;
      work.push(
        queue.run(conversation.id, async (): Promise<HandleOutcome> => {
          // A live message's task may have run this turn already (it was queued first).
          if ((await store.turns.status(message.id)) !== "pending") return { status: "duplicate" };
          await store.turns.startAttempt(message.id);
          control.observer?.onResume?.(message.text);
          return deps.turns.run(conversation.id, message, control);
        }),
      );
    }
    // A student's message held for a teacher whose safety check a crash cut off: checked now, once.
    let held = 0;
    for (const message of await store.waits.heldChecksDue()) {
      const conversation = await store.conversations.get(message.conversationId);
      if (conversation === undefined || !mine(conversation.key)) continue;
      held++;
      work.push(queue.run(conversation.id, () => deps.turns.checkHeld(conversation.id, message, { fromModerator: false })));
    }
    if (held > 0) logger.info({ held }, "checking held messages whose safety check was cut off before the restart");
    for (const row of await store.intake.queued()) {
      const { queuedAttachments, ...inbound } = JSON.parse(row.payload) as QueuedInbound;
      if (!mine(inbound)) continue;
      const files = (queuedAttachments ?? []).map(fromQueued);
      queued++;
      const conversation = await store.conversations.getOrCreate(inbound);
      work.push(
        queue.run(conversation.id, () => {
          control.observer?.onResume?.(inbound.text);
          return deps.turns.process(conversation.id, row.id, inbound, files, control);
        }),
      );
    }
    // Received events need their adapter's network work first; they are new messages once it is done.
    if (only === undefined) {
      const finishing = await deps.intake.recover((platform) => delivery.hasPort(platform));
      queued += finishing.length;
      work.push(...finishing);
    }
  } finally {
    deps.pause.release();
  }
  await Promise.all(work);
  if (replies + turns + queued > 0) logger.info({ replies, turns, queued }, "recovered unfinished work");
  return { replies, turns, queued };
}

function sameThread(a: ThreadRef, b: ThreadRef): boolean {
  return a.platform === b.platform && a.workspace === b.workspace && a.channel === b.channel && a.thread === b.thread;
}
