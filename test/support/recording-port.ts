// A PlatformPort that records what it was asked to post, and can be told to fail (transiently or for good).

import { DeliveryError } from "../../src/bot/delivery-retry.js";
import type { OutboundReply, PlatformPort, PostedReply } from "../../src/bot/ports.js";
import type { SafetyAlert } from "../../src/bot/safety-alerts.js";

export class RecordingPort implements PlatformPort {
  readonly delivered: OutboundReply[] = [];
  /** Every call, failed ones included. */
  readonly attempts: OutboundReply[] = [];
  /** Fail the next N deliveries as a platform outage would (a 5xx, Slack's internal_error). */
  failNext = 0;
  /** Refuse the next N deliveries for good (a deleted channel). */
  refuseNext = 0;
  /** Replies replaced in place (a withheld answer), and safety alerts posted. */
  readonly replaced: Array<{ reply: PostedReply; text: string }> = [];
  readonly alerts: SafetyAlert[] = [];
  /** Every replaceReply call, failed ones included; fail the next N as an outage would. */
  replaceAttempts = 0;
  failReplacements = 0;
  /** Every postAlert call, failed ones included. */
  alertAttempts = 0;
  /** Fail the next N alert posts as an outage would. */
  failAlerts = 0;
  /** While set, alert posts wait for it (a slow alert channel). */
  alertGate: Promise<void> | undefined;
  private counter = 0;

  constructor(readonly platform = "test") {}

  async deliver(reply: OutboundReply): Promise<string> {
    this.attempts.push(reply);
    if (this.refuseNext > 0) {
      this.refuseNext--;
      throw new DeliveryError("delivery_refused", "channel_not_found");
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("platform unavailable");
    }
    this.delivered.push(reply);
    return `${this.platform}-msg-${++this.counter}`;
  }

  async replaceReply(reply: PostedReply, text: string): Promise<void> {
    this.replaceAttempts++;
    if (this.failReplacements > 0) {
      this.failReplacements--;
      throw new DeliveryError("delivery_transient", "platform unavailable");
    }
    this.replaced.push({ reply, text });
  }

  async postAlert(alert: SafetyAlert): Promise<void> {
    this.alertAttempts++;
    await this.alertGate;
    if (this.failAlerts > 0) {
      this.failAlerts--;
      throw new DeliveryError("delivery_transient", "alert channel unavailable");
    }
    this.alerts.push(alert);
  }

  /** The delivered texts as "<agent>: <text>". */
  lines(): string[] {
    return this.delivered.map((r) => `${r.agent.name}: ${r.text}`);
  }
}
