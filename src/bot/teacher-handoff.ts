// "Ask a teacher": an agent handed the conversation to a human participant. The thread waits for a moderator (stored),
// the student is told, the moderators are alerted through the platform's alert channel; students' messages meanwhile
// are stored without a turn, a moderator's are stored as the human's turn; a moderator's handback resumes the agents.

import type { Logger } from "pino";
import type { Workflow } from "../workflow/workflow.js";
import { BackgroundRetries } from "./background-retries.js";
import type { RetryPolicy } from "./delivery-retry.js";
import type { AgentPresentation, PlatformPort, ThreadRef } from "./ports.js";
import type { ReplyDelivery } from "./reply-delivery.js";
import { excerpt } from "./safety-alerts.js";
import type { StorePort } from "./store-port.js";
import type { Conversation, HistoryMessage, ModeratorWait } from "./store-records.js";

export const TEACHER_ASKED_NOTICE = (human: string): string =>
  `I've asked a ${human.toLowerCase()} to help with this. They'll answer here in this thread — the tutors will wait until then.`;
export const HANDED_BACK_NOTICE = "The tutors are back in this thread: ask your next question whenever you like.";

/** What the moderators' alert channel gets when a thread is handed to a person; the adapter renders it with a link. */
export interface TeacherRequestAlert {
  readonly conversationId: number;
  /** The human participant's display name (e.g. "Teacher"). */
  readonly human: string;
  /** The display name of the agent that asked. */
  readonly from: string;
  readonly reason: string;
  readonly student: { readonly id: string; readonly name: string };
  /** The student's message that led to it, cut like a safety alert's excerpt. */
  readonly excerpt: string;
  readonly thread: ThreadRef;
  /** The student's message on the platform, when known (the link opens at it). */
  readonly platformMessageId: string | undefined;
}

export interface TeacherHandoffOptions {
  readonly store: StorePort;
  readonly delivery: ReplyDelivery;
  readonly logger: Logger;
  readonly now: () => number;
  readonly port: (platform: string) => PlatformPort | undefined;
  readonly presentation: (name: string) => AgentPresentation;
  readonly workflowOf: (key: ThreadRef) => Workflow;
  readonly retry?: RetryPolicy;
}

export type HandbackResult = "handed_back" | "not_waiting" | "unknown_thread";

export class TeacherHandoff {
  private readonly background: BackgroundRetries;
  private readonly warnedNoChannel = new Set<string>();
  /** Alerts' outcomes being written: settled() waits for them too. */
  private readonly outcomes = new Set<Promise<void>>();

  constructor(private readonly options: TeacherHandoffOptions) {
    this.background = new BackgroundRetries({ logger: options.logger, ...(options.retry === undefined ? {} : { retry: options.retry }) });
  }

  waitingOf(conversationId: number): Promise<ModeratorWait | undefined> {
    return this.options.store.waits.of(conversationId);
  }

  /** The human a thread waits for, or undefined when the agents answer there. */
  async waitingFor(ref: ThreadRef): Promise<string | undefined> {
    const conversation = await this.options.store.conversations.find(ref);
    return conversation === undefined ? undefined : (await this.waitingOf(conversation.id))?.human;
  }

  /** The turn of `message` ended with a handoff to `request.to`: mark the thread waiting, tell the student, alert. */
  async ask(conversation: Conversation, message: HistoryMessage, request: { readonly from: string; readonly to: string; readonly reason: string }): Promise<void> {
    const { store, delivery, presentation } = this.options;
    const human = presentation(request.to).displayName;
    const text = TEACHER_ASKED_NOTICE(human);
    const noticeId = await store.transaction(async (tx) => {
      await tx.waits.mark(conversation.id, { human: request.to, from: request.from, reason: request.reason, since: this.options.now() }, message.id);
      return tx.outbox.enqueueNotice(conversation.id, { agentName: request.from, text });
    });
    void delivery.enqueue({ id: noticeId, conversationId: conversation.id, key: conversation.key, agentName: request.from, text, kind: "notice" });
    this.options.logger.info({ conversationId: conversation.id, from: request.from, to: request.to }, "a conversation was handed to a person; waiting for a moderator");
    this.alert({
      conversationId: conversation.id,
      human,
      from: presentation(request.from).displayName,
      reason: request.reason,
      student: { id: message.userId ?? "", name: message.userName ?? message.userId ?? "student" },
      excerpt: excerpt(message.text),
      thread: conversation.key,
      platformMessageId: message.platformMessageId,
    });
  }

  /** After a restart: posts the teacher requests' alerts that were decided but never posted; returns how many. */
  async recoverAlerts(wanted: (key: ThreadRef) => boolean): Promise<number> {
    const { store, presentation } = this.options;
    let started = 0;
    for (const pending of await store.waits.alertsDue()) {
      const conversation = await store.conversations.get(pending.conversationId);
      if (conversation === undefined || !wanted(conversation.key)) continue;
      const { message, state } = pending;
      this.alert({
        conversationId: conversation.id,
        human: presentation(state.human).displayName,
        from: presentation(state.from).displayName,
        reason: state.reason,
        student: { id: message?.userId ?? "", name: message?.userName ?? message?.userId ?? "student" },
        excerpt: excerpt(message?.text ?? ""),
        thread: conversation.key,
        platformMessageId: message?.platformMessageId ?? undefined,
      });
      started++;
    }
    return started;
  }

  /** A moderator handed the thread back: the agents answer its next message. */
  async handBack(ref: ThreadRef): Promise<HandbackResult> {
    const { store, delivery } = this.options;
    const conversation = await store.conversations.find(ref);
    if (conversation === undefined) return "unknown_thread";
    const agentName = this.options.workflowOf(ref).startAgent.name;
    const noticeId = await store.transaction(async (tx) =>
      (await tx.waits.clear(conversation.id)) ? tx.outbox.enqueueNotice(conversation.id, { agentName, text: HANDED_BACK_NOTICE }) : undefined,
    );
    if (noticeId === undefined) return "not_waiting";
    await delivery.enqueue({ id: noticeId, conversationId: conversation.id, key: conversation.key, agentName, text: HANDED_BACK_NOTICE, kind: "notice" });
    this.options.logger.info({ conversationId: conversation.id }, "a moderator handed a conversation back to the agents");
    return "handed_back";
  }

  /** Resolves when the alerts started so far are posted or given up on. */
  async settled(): Promise<void> {
    await this.background.settled();
    await Promise.all(this.outcomes);
  }

  close(): void {
    this.background.stop();
  }

  private alert(alert: TeacherRequestAlert): void {
    const { logger } = this.options;
    const platform = alert.thread.platform;
    const port = this.options.port(platform);
    const post = port?.postTeacherRequest;
    if (port === undefined || post === undefined) {
      // Discord without DISCORD_ALERT_CHANNEL_ID, the console: nobody can be told; said once per platform (and by the doctor).
      if (!this.warnedNoChannel.has(platform)) {
        this.warnedNoChannel.add(platform);
        logger.warn({ platform, conversationId: alert.conversationId }, "a student asked for a teacher but this platform has no alert channel: no moderator was told");
      }
      this.settleAlert(alert.conversationId, "failed");
      return;
    }
    this.background.start({
      attempt: () => post.call(port, alert),
      context: { conversationId: alert.conversationId, platform },
      failure: "could not alert the moderators that a student asked for a teacher",
      // Stopped by a shutdown: it stays pending, and the next start's recover() posts it.
      settle: (outcome) => {
        if (outcome !== "stopped") this.settleAlert(alert.conversationId, outcome === "done" ? "sent" : "failed");
      },
    });
  }

  private settleAlert(conversationId: number, outcome: "sent" | "failed"): void {
    const write = this.options.store.waits.settleAlert(conversationId, outcome).catch((error: unknown) => {
      // Left pending: the next start posts it again (a duplicate alert is better than none).
      this.options.logger.warn({ err: error, conversationId }, "could not record the teacher alert's outcome");
    });
    this.outcomes.add(write);
    void write.finally(() => this.outcomes.delete(write));
  }
}
