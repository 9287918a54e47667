// The safety step: moderates each student message before any agent runs and each answer after it is posted, applies
// the policy (block with a caring reply, or let it through), records flags, alerts moderators, withholds flagged answers.

import type { Logger } from "pino";
import type { SafetyPolicy } from "../config/safety-policy.js";
import type { ContentFilterError } from "../workflow/errors.js";
import type { ModerationClient } from "./moderation-port.js";
import type { PlatformPort } from "./ports.js";
import type { AlertDelivery } from "./alert-delivery.js";
import { ALERT_WINDOW_MS } from "./safety-alerts.js";
import { assess, countedCategories, severityOf, type SafetyFinding } from "./safety-assessment.js";
import type { FlagRepository, SafetyAlertRepository } from "./store-port.js";
import type { Conversation, HistoryMessage } from "./store-records.js";
import type { WithheldReplacement } from "./withheld-replacement.js";

export interface SafetyStepOptions {
  /** Undefined when moderation is off (BATON_MODERATION=off, or no key): Azure's own filter is still read. */
  readonly moderation: ModerationClient | undefined;
  /** A student message's images as data URLs (moderated with its text); absent: only the text is checked. */
  readonly imagesOf?: (messageId: number) => Promise<readonly string[]>;
  readonly policy: SafetyPolicy;
  /** The store port's flags. */
  readonly flags: FlagRepository;
  /** The store port's safety alerts, where an alert is claimed with its flag. */
  readonly claims: SafetyAlertRepository;
  readonly logger: Logger;
  readonly now: () => number;
  /** Posts a notice in the conversation through the outbox (the caring reply to a blocked message). */
  readonly notify: (conversation: Conversation, text: string) => Promise<void>;
  /** Posts claimed alerts in the background, retried, settled in the flags table. */
  readonly alerts: AlertDelivery;
  /** Edits withheld answers to the notice in the background, each owed edit settled in the flags table. */
  readonly replacements: WithheldReplacement;
}

export type InputDecision = { readonly kind: "pass" } | { readonly kind: "blocked"; readonly flagId: number };

export class SafetyStep {
  private readonly ports = new Map<string, PlatformPort>();
  /** Set while the moderation service is failing: one warning per outage, not one per message. */
  private outage = false;

  constructor(private readonly options: SafetyStepOptions) {}

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
  }

  /** Before any agent runs. A blocked message leaves the history and gets the caring reply; an outage lets it through. */
  async checkInput(conversation: Conversation, message: HistoryMessage, signal?: AbortSignal): Promise<InputDecision> {
    const { moderation, flags, policy } = this.options;
    if (moderation === undefined) return { kind: "pass" };
    let counted: Record<string, number>;
    try {
      const imageUrls = (await this.options.imagesOf?.(message.id)) ?? [];
      const [verdict] = await moderation.moderate([imageUrls.length === 0 ? { text: message.text } : { text: message.text, imageUrls }], signal);
      counted = countedCategories(verdict!, policy);
      this.recovered();
    } catch (error) {
      // Our own shutdown cut the call off: nothing was learnt, and the message is checked again at the next start (a
      // pending turn, a held message's owed check), so no "unchecked" flag is recorded for it.
      if (signal?.aborted === true) return { kind: "pass" };
      this.failed(error);
      await flags.record({
        conversationId: conversation.id,
        messageId: message.id,
        ...userOf(message),
        source: "input",
        categories: {},
        action: "unchecked",
        severity: "none",
        text: message.text,
        ...platformIdOf(message),
      });
      return { kind: "pass" };
    }
    const finding = assess(counted, policy);
    return finding === undefined ? { kind: "pass" } : this.applyToInput(conversation, message, finding);
  }

  /** Azure's filter refused the student's message or stopped an answer: the same policy, from its categories. */
  async contentFiltered(conversation: Conversation, message: HistoryMessage, error: ContentFilterError): Promise<void> {
    const { policy } = this.options;
    // A filter that names no category still stopped something: it counts as flagged, never as nothing.
    const categories = Object.keys(error.categories).length > 0 ? error.categories : { unspecified: 1 };
    const finding = assess(categories, policy)!;
    if (error.source === "input") {
      // The student's message cannot be answered either way; blocked or not, they get the policy's reply.
      const blocked = finding.action === "block" ? finding : { ...finding, action: "block" as const, reply: finding.reply ?? policy.blockedReply };
      await this.applyToInput(conversation, message, blocked);
      return;
    }
    const flagId = await this.options.flags.record({
      conversationId: conversation.id,
      ...userOf(message),
      source: "output",
      categories,
      action: "withhold",
      severity: severityOf(finding),
      text: "(the model's answer was stopped by the content filter before it was finished)",
    });
    await this.options.notify(conversation, policy.withheldNotice);
    await this.alert(conversation, finding, flagId);
  }

  /**
   * After the turn's replies were posted: each answer is moderated; a flagged one is replaced on the platform by the
   * withheld notice (or posted as the notice, if still pending) and kept, unchanged, in the history for moderators.
   */
  async checkAnswers(conversation: Conversation, userMessage: HistoryMessage, signal?: AbortSignal): Promise<number> {
    const { moderation, flags, policy } = this.options;
    if (moderation === undefined) return 0;
    const answers = (await flags.answersAfter(conversation.id, userMessage.seq)).filter((a) => a.text.trim() !== "");
    if (answers.length === 0) return 0;
    let verdicts;
    try {
      verdicts = await moderation.moderate(answers.map((a) => ({ text: a.text })), signal);
      this.recovered();
    } catch (error) {
      this.failed(error);
      return 0;
    }
    let withheld = 0;
    for (const [i, answer] of answers.entries()) {
      const finding = assess(countedCategories(verdicts[i]!, policy), policy);
      if (finding === undefined) continue;
      withheld++;
      // The flag and the owed edit in one transaction: a crash after it leaves the edit for the next start to make.
      const flagId = await flags.withhold(
        {
          conversationId: conversation.id,
          messageId: answer.messageId,
          ...userOf(userMessage),
          source: "output",
          categories: finding.categories,
          severity: severityOf(finding),
          text: answer.text,
          ...(answer.platformMessageId === undefined ? {} : { platformMessageId: answer.platformMessageId }),
        },
        { outboxId: answer.outboxId, notice: policy.withheldNotice },
      );
      await this.options.replacements.start(flagId);
      await this.alert(conversation, finding, flagId);
    }
    return withheld;
  }

  private async applyToInput(conversation: Conversation, message: HistoryMessage, finding: SafetyFinding): Promise<InputDecision> {
    const { flags } = this.options;
    const flag = {
      conversationId: conversation.id,
      ...userOf(message),
      source: "input" as const,
      categories: finding.categories,
      severity: severityOf(finding),
      text: message.text,
      ...platformIdOf(message),
    };
    if (finding.action === "answer") {
      const flagId = await flags.record({ ...flag, messageId: message.id, action: "answer" });
      await this.alert(conversation, finding, flagId);
      return { kind: "pass" };
    }
    const flagId = await flags.block(message.id, flag);
    await this.options.notify(conversation, finding.reply ?? this.options.policy.blockedReply);
    await this.alert(conversation, finding, flagId);
    return { kind: "blocked", flagId };
  }

  /**
   * Claims the alert in the flags table (urgent always; otherwise once per conversation and category an hour, counted in
   * the database so a restart neither repeats nor forgets the hour), then posts it in the background.
   */
  private async alert(conversation: Conversation, finding: SafetyFinding, flagId: number): Promise<void> {
    if (finding.alert === "none") return;
    // No moderators' channel on this platform: no alert is claimed (nor counted against the hour); /flags lists the flag.
    if (this.ports.get(conversation.key.platform)?.postAlert === undefined) return;
    const { flags, claims, alerts } = this.options;
    const claimed = await claims.claim(flagId, {
      conversationId: conversation.id,
      categories: Object.keys(finding.categories),
      urgent: finding.alert === "urgent",
      windowMs: ALERT_WINDOW_MS,
    });
    const flag = claimed ? await flags.get(flagId) : undefined;
    if (flag !== undefined) alerts.start(flag);
  }

  private failed(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    const code = error instanceof Error && "code" in error ? String(error.code) : "unknown";
    this.options.logger.warn({ code }, "moderation is failing: messages go through unchecked until it answers again");
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.logger.info("moderation answers again");
  }
}

function userOf(message: HistoryMessage): { userId?: string; userName?: string } {
  return {
    ...(message.userId === undefined ? {} : { userId: message.userId }),
    ...(message.userName === undefined ? {} : { userName: message.userName }),
  };
}

function platformIdOf(message: HistoryMessage): { platformMessageId?: string } {
  return message.platformMessageId === undefined ? {} : { platformMessageId: message.platformMessageId };
}
