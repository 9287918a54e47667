// Slack's busy signal: "is thinking…" under a thread (assistant.threads.setStatus), shown by the common BusyIndicator.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import { BusyIndicator } from "../common/busy-indicator.js";
import { slackErrorOf } from "./errors.js";

export interface SlackThread {
  readonly channel: string;
  readonly thread: string;
}

/** The indicator under Slack threads; a reply posted clears Slack's status, so the poster calls refresh(). */
export type SlackThreadStatus = BusyIndicator<SlackThread>;

/** Answers after which the method will not work for this app at all, so calling it again is pointless. */
const PERMANENT = new Set(["missing_scope", "not_allowed_token_type", "unknown_method", "method_deprecated", "invalid_auth", "not_authed", "token_revoked"]);

export interface ThreadStatusOptions {
  /** A client that does not wait out rate limits: a late status is worse than none. */
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly text?: string;
}

export function slackThreadStatus(options: ThreadStatusOptions): SlackThreadStatus {
  const text = options.text ?? "is thinking…";
  const set = async (ref: SlackThread, status: string): Promise<void> => {
    await options.client.assistant.threads.setStatus({ channel_id: ref.channel, thread_ts: ref.thread, status });
  };
  return new BusyIndicator<SlackThread>({
    signal: { show: (ref) => set(ref, text), clear: (ref) => set(ref, "") },
    key: (ref) => `${ref.channel}/${ref.thread}`,
    permanent: (error) => PERMANENT.has(slackErrorOf(error) ?? ""),
    logger: options.logger,
    name: "slack thread status",
  });
}
