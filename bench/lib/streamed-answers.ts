// Scenario 11, streamed answers: the model's first token → the first words visible on the platform, through the real
// Discord and Slack adapters and service against the fakes (50 ms per platform call), with platform calls per answer.

import type { RecordedRequest } from "../../test/support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../test/support/seed-responder.js";
import { percentile } from "./stats.js";
import { runDiscordStreams } from "./streamed-discord.js";
import { runSlackStreams } from "./streamed-slack.js";

export interface StreamedAnswersOptions {
  /** Answers per platform, asked one after another (each figure is one answer's). */
  readonly answers: number;
  /** The fake model writes one token this often. */
  readonly tokenIntervalMs: number;
  /** Discord and Slack at once (a quick run's smoke figures), rather than one platform after the other. */
  readonly alongside: boolean;
}

export interface StreamedPlatformResult {
  readonly platform: "discord" | "slack";
  /** How the adapter's default path delivered the answers, as seen in the fake's calls. */
  readonly path: string;
  readonly answers: number;
  readonly firstVisibleMs: { readonly p50: number; readonly p99: number };
  /** Calls that wrote the tutor's answer (posts, edits, stream starts, appends, stops), per answer. */
  readonly callsPerAnswer: { readonly median: number; readonly max: number };
  /** Calls the fake refused with 429. */
  readonly refusedByRateLimit: number;
  /** Whether the fake enforces the platform's standing rate limit on these calls (Discord's per-webhook bucket). */
  readonly rateLimitEnforced: boolean;
}

export interface StreamedAnswersResult {
  readonly tokensPerAnswer: number;
  readonly platformLatencyMs: number;
  readonly tokenIntervalMs: number;
  readonly quietBetweenAnswersMs: number;
  readonly alongside: boolean;
  readonly platforms: readonly StreamedPlatformResult[];
}

export const STREAM_TOKENS = 1_000;
/**
 * Idle time after each answer before the next question: longer than the channel's rate window (Discord's webhook
 * bucket, 2 s; Slack's shared budget, 3 s), so that a figure is one answer's wait and not the previous answer's calls.
 */
export const QUIET_BETWEEN_ANSWERS_MS = 3_000;

/** Waits out the channel's rate window after an answer. */
export function quietPeriod(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, QUIET_BETWEEN_ANSWERS_MS));
}
export const PLATFORM_LATENCY_MS = 50;

/** The tutor's 1,000-token answer, in paragraphs (so that long answers split at their boundaries). */
export const STREAMED_ANSWER = Array.from({ length: STREAM_TOKENS }, (_, i) => (i % 12 === 11 ? "done.\n\n" : `word${i % 97} `)).join("").trim();

/**
 * The seed's model, except that math_tutor streams the long answer one token per interval; `firstToken` records, per
 * question number (the question's text carries it), when its first content token leaves the fake model.
 */
export function streamingResponder(tokenIntervalMs: number, firstToken: Map<string, number>) {
  return (request: RecordedRequest) => {
    if (requestAgent(request) !== "math_tutor") return seedResponder(request);
    const question = JSON.stringify(request.body.messages).match(/question (\d+)/)?.[1] ?? "?";
    // The first content chunk goes one interval after the role chunk, which leaves at once.
    firstToken.set(question, performance.now() + tokenIntervalMs);
    return { text: STREAMED_ANSWER, chunkIntervalMs: tokenIntervalMs };
  };
}

/** What one platform's run collected, summarized. */
export function summarize(
  platform: StreamedPlatformResult["platform"],
  run: { path: string; visibleMs: number[]; calls: number[]; refused: number; rateLimitEnforced: boolean },
): StreamedPlatformResult {
  const visible = Float64Array.from(run.visibleMs).sort();
  const calls = Float64Array.from(run.calls).sort();
  return {
    platform,
    path: run.path,
    answers: run.visibleMs.length,
    firstVisibleMs: { p50: Math.round(percentile(visible, 50)), p99: Math.round(percentile(visible, 99)) },
    callsPerAnswer: { median: percentile(calls, 50), max: calls[calls.length - 1] ?? 0 },
    refusedByRateLimit: run.refused,
    rateLimitEnforced: run.rateLimitEnforced,
  };
}

export async function runStreamedAnswers(options: StreamedAnswersOptions): Promise<StreamedAnswersResult> {
  const [discord, slack] = options.alongside
    ? await Promise.all([runDiscordStreams(options), runSlackStreams(options)])
    : [await runDiscordStreams(options), await runSlackStreams(options)];
  return {
    tokensPerAnswer: STREAM_TOKENS,
    platformLatencyMs: PLATFORM_LATENCY_MS,
    tokenIntervalMs: options.tokenIntervalMs,
    quietBetweenAnswersMs: QUIET_BETWEEN_ANSWERS_MS,
    alongside: options.alongside,
    platforms: [discord, slack],
  };
}
