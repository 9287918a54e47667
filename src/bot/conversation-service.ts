// ConversationService: the facade over a message's platform-neutral path — intake (inbound-acceptance.ts), turn running
// (conversation-turns.ts), recovery (conversation-recovery.ts), retention (retention.ts) and moderation reads
// (moderation-reads.ts). It builds them, wires them together and keeps the platform ports.

import { setMaxListeners } from "node:events";
import type { Workflow } from "../workflow/workflow.js";
import { imagesOfMessage } from "./attachments/stored-attachments.js";
import type { AttachmentLimits } from "./attachments/types.js";
import { ClassroomSafety } from "./classroom-safety.js";
import { recoverConversations, type ConversationRecoveryDeps } from "./conversation-recovery.js";
import { ConversationTurns } from "./conversation-turns.js";
import { EnvelopeIntake } from "./envelope-intake.js";
import { InboundAcceptance } from "./inbound-acceptance.js";
import type { AcceptOutcome, InboundEnvelope } from "./inbound-envelope.js";
import { InboundMessages } from "./inbound-messages.js";
import { IntakePause } from "./intake-pause.js";
import { KeyedQueue } from "./keyed-queue.js";
import { ModerationReads } from "./moderation-reads.js";
import type { AgentPresentation, ConversationGateway, PlatformPort, ThreadRef } from "./ports.js";
import type { ModeratorReads } from "./moderator-reads-port.js";
import { RateLimiter } from "./rate-limiter.js";
import { ReceivedIntake } from "./received-intake.js";
import { ReplyDelivery } from "./reply-delivery.js";
import { Retention } from "./retention.js";
import type { ConversationServiceOptions } from "./service-options.js";
import type { StorePort } from "./store-port.js";
import type { Conversation } from "./store-records.js";
import { TeacherHandoff, type HandbackResult } from "./teacher-handoff.js";
import { TurnRunner, type TurnControl } from "./turn-runner.js";

// The notices stay importable from here, where the platforms, tests and bench have always found them.
export { RATE_LIMIT_NOTICE, TOO_LONG_NOTICE } from "./inbound-acceptance.js";
export { GAVE_UP_NOTICE } from "./conversation-recovery.js";
export type { ConversationServiceOptions, ServiceLimits } from "./service-options.js";

export class ConversationService implements ConversationGateway {
  private readonly queue = new KeyedQueue<number>();
  private readonly delivery: ReplyDelivery;
  private readonly teacher: TeacherHandoff;
  private readonly port: StorePort;
  private readonly intake: ReceivedIntake;
  private readonly ports = new Map<string, PlatformPort>();
  private readonly safety: ClassroomSafety | undefined;
  private readonly shutdown = new AbortController();
  private readonly pause = new IntakePause();
  private readonly acceptance: InboundAcceptance;
  private readonly envelopes: EnvelopeIntake;
  private readonly recovery: ConversationRecoveryDeps;
  /** What moderators and the CLI read and delete, each call in a scope (the adapters get it beside the gateway). */
  readonly moderatorReads: ModeratorReads;
  private readonly retention: Retention;

  constructor(private readonly options: ConversationServiceOptions) {
    const now = options.now ?? Date.now;
    const { logger } = options;
    const port = options.storePort;
    this.port = port;
    // Every running turn's model request listens on this one signal: hundreds at once is by design, not a leak.
    setMaxListeners(0, this.shutdown.signal);
    const slowSaveNoticeMs = options.slowSaveNoticeMs ?? 15_000;
    this.intake = new ReceivedIntake({ store: port, logger, slowAfterMs: slowSaveNoticeMs });
    const limiter = new RateLimiter(options.limits.rateLimitPerMinute, now);
    const presentation = (name: string): AgentPresentation => this.presentation(name);
    const notify = (conversation: Conversation, text: string): Promise<void> => this.notify(conversation, text);
    this.delivery = new ReplyDelivery({
      store: port,
      logger,
      presentation,
      maxAttempts: options.maxDeliveryAttempts ?? 5,
      ...(options.deliveryRetry === undefined ? {} : { retry: options.deliveryRetry }),
    });
    this.teacher = new TeacherHandoff({
      store: port,
      delivery: this.delivery,
      logger,
      now,
      port: (platform) => this.ports.get(platform),
      presentation,
      workflowOf: (key) => this.workflowOf(key),
      ...(options.deliveryRetry === undefined ? {} : { retry: options.deliveryRetry }),
    });
    this.safety =
      options.safety === undefined
        ? undefined
        : new ClassroomSafety({
            ...options.safety,
            ...(options.attachments === undefined ? {} : { imagesOf: imagesOfMessage(port.attachments) }),
            logger,
            now,
            presentation,
            notify,
            completeTurn: (id, code) => port.turns.complete(id, "failed", code),
            repliesSettled: (id) => this.delivery.settled(id),
            ...(options.deliveryRetry === undefined ? {} : { alertRetry: options.deliveryRetry }),
          });
    const safety = this.safety;
    const runner = new TurnRunner({
      ...(safety === undefined
        ? {}
        : { onContentFilter: (c, m, e) => safety.contentFiltered(c, m, e), stepUsage: (c, userId, messages) => safety.stepUsage(c, userId, messages) }),
      store: port,
      workflowFor: (conversation) => this.workflowOf(conversation.key),
      delivery: this.delivery,
      logger,
      window: { maxMessages: options.limits.historyMessages, maxTokens: options.limits.historyTokens },
      ...(options.attachments === undefined ? {} : { attachments: { historyImages: options.attachments.limits.historyImages } }),
      presentation,
      ...(options.attachments === undefined || options.replyImages === undefined ? {} : { replyImages: { render: options.replyImages } }),
    });
    const messages = new InboundMessages(options.attachments === undefined ? {} : { attachments: options.attachments });
    const turns = new ConversationTurns({ store: port, messages, teacher: this.teacher, delivery: this.delivery, runner, safety, shutdown: this.shutdown.signal });
    this.acceptance = new InboundAcceptance({
      store: port, intake: this.intake, queue: this.queue, limiter, pause: this.pause,
      messages, turns, logger, slowSaveNoticeMs, notify, shutdown: this.shutdown.signal,
      maxInputChars: options.limits.maxInputChars,
      attachmentLimits: options.attachments?.limits,
      port: (platform) => this.ports.get(platform),
      startAgentOf: (ref) => this.presentation(this.workflowOf(ref).startAgent.name),
    });
    this.envelopes = new EnvelopeIntake({
      store: port, intake: this.intake, acceptance: this.acceptance, logger,
      waitingFor: (ref) => this.teacher.waitingFor(ref),
    });
    this.recovery = {
      store: port, intake: this.intake, queue: this.queue, pause: this.pause,
      delivery: this.delivery, safety, teacher: this.teacher, turns, logger, notify,
      maxTurnAttempts: options.maxTurnAttempts ?? 2,
    };
    this.retention = new Retention({ store: port, logger, now, retentionDays: options.limits.retentionDays });
    this.moderatorReads = new ModerationReads({ store: port, filesKept: options.attachments !== undefined, safety, retention: this.retention, presentation });
  }

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
    this.delivery.registerPort(port);
    this.safety?.registerPort(port);
    this.registerFinisher(port.platform);
  }

  accept(envelope: InboundEnvelope): Promise<AcceptOutcome> {
    return this.envelopes.accept(envelope);
  }

  /** The moderators' reads and actions on flags and usage; undefined when safety is not configured. */
  classroomSafety(): ClassroomSafety | undefined {
    return this.safety;
  }

  attachmentLimits(): AttachmentLimits | undefined {
    return this.options.attachments?.limits;
  }

  /** A platform's stored events are finished through its port's revive (a row it cannot read is dropped with a warning). */
  private registerFinisher(platform: string): void {
    this.intake.register(platform, (receipt) => this.envelopes.finishStored(receipt, this.ports.get(platform)));
  }

  agents(): ReadonlyMap<string, AgentPresentation> {
    return this.options.agents;
  }

  /**
   * Holds new messages back until recover() has queued the unfinished work, so that a bot which connects before
   * recovery cannot answer a new question ahead of (or twice alongside) one left from before the restart.
   */
  pauseIntake(): void {
    this.pause.pause();
  }

  /**
   * After a restart: posts replies that were never sent, runs again once each turn the process died in (then gives
   * up on it with a notice), processes messages that were accepted but still waiting, and hands events received but
   * not yet made messages back to their adapters (counted as queued). Only conversations of the
   * platforms with a registered port are touched (a console chat on the bot's database leaves Discord's work alone),
   * and with `only`, only that thread's (then `control` watches and may cancel its turns, each announced to
   * `onResume` with its question). Resolves when all is done; new messages wait until the work is queued.
   */
  recover(only?: ThreadRef, control: TurnControl = {}): Promise<{ replies: number; turns: number; queued: number }> {
    return recoverConversations(this.recovery, only, control);
  }

  waitingFor(ref: ThreadRef): Promise<string | undefined> {
    return this.teacher.waitingFor(ref);
  }

  handBack(ref: ThreadRef): Promise<HandbackResult> {
    return this.teacher.handBack(ref);
  }

  /** Resolves when the moderators' alerts of threads handed to a person are posted (or given up on). */
  teacherAlertsSettled(): Promise<void> {
    return this.teacher.settled();
  }

  /** Deletes conversations idle for longer than RETENTION_DAYS and old dedupe records; returns conversations purged. */
  purgeExpired(): Promise<number> {
    return this.retention.purgeExpired();
  }

  /** Purges now and then every hour until close(). */
  startRetention(): void {
    this.retention.start();
  }

  /** Stops taking messages, interrupts running turns (they stay pending and resume at the next start), waits. */
  async close(): Promise<void> {
    this.retention.stop();
    this.shutdown.abort();
    this.delivery.stopRetrying();
    this.teacher.close();
    this.pause.resume();
    await this.queue.drain();
    await this.delivery.drain();
    await this.safety?.close();
    await this.port.idle();
  }

  /** Built once at start: picking one is a map lookup, not a build per message. */
  private workflowOf(key: ThreadRef): Workflow {
    return this.options.channelWorkflows?.get(key.channel) ?? this.options.workflow;
  }

  private presentation(name: string): AgentPresentation {
    return this.options.agents.get(name) ?? { name, displayName: name };
  }

  private async notify(conversation: Conversation, text: string): Promise<void> {
    const agentName = this.workflowOf(conversation.key).startAgent.name;
    const id = await this.port.outbox.enqueueNotice(conversation.id, { agentName, text });
    await this.delivery.enqueue({ id, conversationId: conversation.id, key: conversation.key, agentName, text, kind: "notice" });
  }
}
