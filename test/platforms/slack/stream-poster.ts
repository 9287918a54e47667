// The Slack reply poster with streaming on, over the real WebClient against the fake Slack: for the streaming tests
// (and the adapter contract suite). The stream client rejects rate-limited calls, as slack-bot.ts builds it.

import { webApi } from "@slack/bolt";
import type { StreamTarget } from "../../../src/bot/ports.js";
import { AgentIdentityMode } from "../../../src/platforms/slack/agent-identity.js";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { SlackReplyPoster } from "../../../src/platforms/slack/reply-poster.js";
import { slackThreadStatus, type SlackThreadStatus } from "../../../src/platforms/slack/thread-status.js";
import { FakeSlack, FULL_SCOPES } from "../../support/fake-slack/index.js";
import { testAgent } from "./fake-gateway.js";
import { captureLogger, CHANNEL, STUDENT, type LogLine } from "./slack-test-bot.js";

export const STREAM_THREAD = "1700000000.000100";
export const STREAM_TARGET: StreamTarget = {
  platform: "slack",
  workspace: "T0BATON",
  channel: CHANNEL,
  thread: STREAM_THREAD,
  conversationId: 3,
  agent: testAgent("math_tutor"),
  recipientUserId: STUDENT.id,
};
/** Fast enough for tests; the shape of the real pace (per message, and a shared budget per channel). */
export const TEST_STREAM_PACE = { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } } as const;

export interface StreamPoster {
  readonly fake: FakeSlack;
  readonly port: SlackReplyPoster;
  readonly status: SlackThreadStatus;
  readonly logs: LogLine[];
  /** Another poster on the same fake (a new process after a crash). */
  restart(): SlackReplyPoster;
}

export async function startStreamPoster(options: { fake?: FakeSlack; scopes?: readonly string[]; messageLimit?: number; nativeStreaming?: boolean } = {}): Promise<StreamPoster> {
  const fake = options.fake ?? (await FakeSlack.start({ scopes: options.scopes ?? FULL_SCOPES, users: [STUDENT] }));
  const logs: LogLine[] = [];
  const logger = captureLogger(logs);
  const clientOptions = { slackApiUrl: fake.apiUrl, logger: createBoltLogger(logger), retryConfig: { retries: 0 } };
  const status = slackThreadStatus({ client: new webApi.WebClient(fake.identity.botToken, { ...clientOptions, rejectRateLimitedCalls: true }), logger });
  const make = (): SlackReplyPoster =>
    new SlackReplyPoster({
      client: new webApi.WebClient(fake.identity.botToken, clientOptions),
      streamClient: new webApi.WebClient(fake.identity.botToken, { ...clientOptions, rejectRateLimitedCalls: true }),
      logger,
      identity: new AgentIdentityMode(logger),
      status,
      stream: true,
      streamPace: TEST_STREAM_PACE,
      fileSettleMs: 10,
      ...(options.nativeStreaming === undefined ? {} : { nativeStreaming: options.nativeStreaming }),
      ...(options.messageLimit === undefined ? {} : { messageLimit: options.messageLimit }),
    });
  return { fake, port: make(), status, logs, restart: make };
}

/** Waits (polling every few ms, no deadline of its own: the test's timeout bounds it) until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The model's text in word-sized deltas, as a streaming model sends it. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
