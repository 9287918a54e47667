// What the ConversationService calls around a turn for classroom safety: moderation and usage caps before it, the
// answers' check and usage after it, Azure's filter on failure; and the moderators' reads (flags, usage).

import type { Logger } from "pino";
import type { ModelPrice } from "../config/safety-settings.js";
import type { SafetyPolicy } from "../config/safety-policy.js";
import type { ContentFilterError } from "../workflow/errors.js";
import type { TokenUsage } from "../workflow/messages.js";
import { AlertDelivery } from "./alert-delivery.js";
import { BackgroundRetries } from "./background-retries.js";
import type { RetryPolicy } from "./delivery-retry.js";
import type { ModerationClient } from "./moderation-port.js";
import type { AgentPresentation, PlatformPort, ThreadRef } from "./ports.js";
import { SafetyStep } from "./safety.js";
import type { FlagRepository, SafetyAlertRepository, UsageRepository, WithheldRepository } from "./store-port.js";
import type { Conversation, FlagRow, HistoryMessage, UsageDelta } from "./store-records.js";
import { WithheldReplacement } from "./withheld-replacement.js";
import type { FlagReviewOutcome, ModeratorScope, SafetyReview } from "./safety-review.js";
import { USAGE_CAP_NOTICE, UsageMeter, type UsageCaps, type UsageReport } from "./usage-meter.js";

/** What the composition root hands the service to turn safety on. */
export interface SafetyOptions {
  readonly moderation: ModerationClient | undefined;
  /** See SafetyStepOptions.imagesOf (the service gives the attachments store's images). */
  readonly imagesOf?: (messageId: number) => Promise<readonly string[]>;
  readonly policy: SafetyPolicy;
  /** The store port's flags (recorded by the safety step, read and reviewed by moderators). */
  readonly flags: FlagRepository;
  /** The store port's usage (the caps count it, /usage reports it). */
  readonly usage: UsageRepository;
  /** The store port's safety alerts (posted in the background, settled there). */
  readonly alerts: SafetyAlertRepository;
  /** The store port's withheld answers (their owed edits). */
  readonly withheld: WithheldRepository;
  readonly caps: UsageCaps;
  readonly model: string;
  readonly prices: ReadonlyMap<string, ModelPrice>;
}

export type BeforeTurn = { readonly kind: "pass" } | { readonly kind: "stopped"; readonly reason: "blocked" | "usage_cap" };

export class ClassroomSafety implements SafetyReview {
  private readonly step: SafetyStep;
  private readonly meter: UsageMeter;
  private readonly alerts: AlertDelivery;
  private readonly replacements: WithheldReplacement;
  private readonly background: BackgroundRetries;
  private readonly ports = new Map<string, PlatformPort>();

  constructor(
    private readonly options: SafetyOptions & {
      readonly logger: Logger;
      readonly now: () => number;
      readonly presentation: (agentName: string) => AgentPresentation;
      readonly notify: (conversation: Conversation, text: string) => Promise<void>;
      readonly completeTurn: (userMessageId: number, errorCode: string) => Promise<void>;
      /** Resolves once the conversation's queued replies were attempted. */
      readonly repliesSettled: (conversationId: number) => Promise<void>;
      /** The backoff between attempts to post an alert or edit a withheld answer (the replies' policy). */
      readonly alertRetry?: RetryPolicy;
    },
  ) {
    this.background = new BackgroundRetries({ logger: options.logger, ...(options.alertRetry === undefined ? {} : { retry: options.alertRetry }) });
    this.alerts = new AlertDelivery({ alerts: options.alerts, logger: options.logger, port: (platform) => this.ports.get(platform), background: this.background });
    this.replacements = new WithheldReplacement({
      withheld: options.withheld,
      logger: options.logger,
      port: (platform) => this.ports.get(platform),
      background: this.background,
      presentation: options.presentation,
      notice: options.policy.withheldNotice,
      repliesSettled: options.repliesSettled,
    });
    this.step = new SafetyStep({ ...options, claims: options.alerts, alerts: this.alerts, replacements: this.replacements });
    this.meter = new UsageMeter(options);
  }

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
    this.step.registerPort(port);
  }

  /** After a restart: posts the alerts that were decided but never posted; returns how many. */
  recoverAlerts(wanted: (key: ThreadRef) => boolean): Promise<number> {
    return this.alerts.flushPending(wanted);
  }

  /**
   * After a restart, once the replies left pending were posted: makes the withheld answers' edits a crash cut off
   * (an answer first posted at this start was posted as the notice, and is edited all the same); returns how many.
   */
  recoverReplacements(wanted: (key: ThreadRef) => boolean): Promise<number> {
    return this.replacements.flushPending(wanted);
  }

  /** Resolves when the alerts and withheld-answer edits started so far are done (posted, or given up on). */
  settled(): Promise<void> {
    return this.background.settled();
  }

  /** Shutting down: alerts waiting to retry stay pending for the next start. */
  async close(): Promise<void> {
    this.background.stop();
    await this.background.settled();
  }

  /** Moderation first (a student over the cap who writes about self-harm still gets the caring reply), then the caps. */
  async beforeTurn(conversation: Conversation, message: HistoryMessage, signal?: AbortSignal): Promise<BeforeTurn> {
    const decision = await this.step.checkInput(conversation, message, signal);
    if (decision.kind === "blocked") return { kind: "stopped", reason: "blocked" };
    if ((await this.meter.overCap(conversation, message.userId)) !== undefined) {
      await this.options.completeTurn(message.id, "usage_cap");
      await this.options.notify(conversation, USAGE_CAP_NOTICE);
      return { kind: "stopped", reason: "usage_cap" };
    }
    return { kind: "pass" };
  }

  /**
   * A student's message stored while the thread waits for a teacher (it has no turn): the same moderation, flag, alert
   * and caring reply as before a turn, but no usage cap and never an agent.
   */
  async checkHeld(conversation: Conversation, message: HistoryMessage, signal?: AbortSignal): Promise<void> {
    await this.step.checkInput(conversation, message, signal);
  }

  /** After the turn's replies were attempted: the answers are checked (each step counted its usage as it committed). */
  async afterTurn(conversation: Conversation, message: HistoryMessage, signal?: AbortSignal): Promise<void> {
    await this.step.checkAnswers(conversation, message, signal);
  }

  /** What an agent step used, for the step's own transaction to add to today's usage (see UsageMeter.stepUsage). */
  stepUsage(conversation: Pick<Conversation, "key">, userId: string | undefined, messages: readonly { readonly usage?: TokenUsage | undefined }[]): UsageDelta | undefined {
    return this.meter.stepUsage(conversation, userId, messages);
  }

  contentFiltered(conversation: Conversation, message: HistoryMessage, error: ContentFilterError): Promise<void> {
    return this.step.contentFiltered(conversation, message, error);
  }

  flagsOf(conversationId: number): Promise<FlagRow[]> {
    return this.options.flags.ofConversation(conversationId);
  }

  listFlags(scope: { platform: string; workspace: string; limit?: number; includeReviewed?: boolean }): Promise<FlagRow[]> {
    return this.options.flags.list(scope);
  }

  getFlag(id: number): Promise<FlagRow | undefined> {
    return this.options.flags.get(id);
  }

  markFlagReviewed(id: number, moderatorId: string): Promise<boolean> {
    return this.options.flags.markReviewed(id, moderatorId);
  }

  openFlags(scope: ModeratorScope, limit: number): Promise<FlagRow[]> {
    return this.options.flags.list({ ...scope, limit });
  }

  async flag(scope: ModeratorScope, id: number): Promise<FlagRow | undefined> {
    const flag = await this.options.flags.get(id);
    return flag !== undefined && flag.key.platform === scope.platform && flag.key.workspace === scope.workspace ? flag : undefined;
  }

  async markReviewed(scope: ModeratorScope, id: number, reviewer: string): Promise<FlagReviewOutcome> {
    if ((await this.flag(scope, id)) === undefined) return { kind: "not_found" };
    const marked = await this.options.flags.markReviewed(id, reviewer);
    const flag = await this.options.flags.get(id);
    if (flag === undefined) return { kind: "not_found" };
    return { kind: marked ? "reviewed" : "already_reviewed", flag };
  }

  usage(scope: ModeratorScope): Promise<UsageReport> {
    return this.meter.report(scope);
  }

  usageReport(scope: { platform: string; workspace: string }): Promise<UsageReport> {
    return this.meter.report(scope);
  }
}
