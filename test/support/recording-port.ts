// A PlatformPort that records what it was asked to post, and can be told to fail (transiently or for good).

import { DeliveryError } from "../../src/bot/delivery-retry.js";
import type { OutboundReply, PlatformPort } from "../../src/bot/ports.js";

export class RecordingPort implements PlatformPort {
  readonly delivered: OutboundReply[] = [];
  /** Every call, failed ones included. */
  readonly attempts: OutboundReply[] = [];
  /** Fail the next N deliveries as a platform outage would (a 5xx, Slack's internal_error). */
  failNext = 0;
  /** Refuse the next N deliveries for good (a deleted channel). */
  refuseNext = 0;
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

  /** The delivered texts as "<agent>: <text>". */
  lines(): string[] {
    return this.delivered.map((r) => `${r.agent.name}: ${r.text}`);
  }
}
