// A PlatformPort that records what it was asked to post, and can be told to fail or to wait.

import type { OutboundReply, PlatformPort } from "../../src/bot/ports.js";

export class RecordingPort implements PlatformPort {
  readonly delivered: OutboundReply[] = [];
  /** Fail the next N deliveries. */
  failNext = 0;
  private counter = 0;

  constructor(readonly platform = "test") {}

  async deliver(reply: OutboundReply): Promise<string> {
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
