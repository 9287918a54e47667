// Slack's busy signal: "is thinking…" under a thread (assistant.threads.setStatus), shown by the common BusyIndicator,
// under the name and icon of the agent about to write once the service says which one it is.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { AgentPresentation } from "../../bot/ports.js";
import { BusyIndicator } from "../common/busy-indicator.js";
import { authorshipOf, type AgentIdentityMode } from "./agent-identity.js";
import { slackErrorOf } from "./errors.js";

export interface SlackThread {
  readonly channel: string;
  readonly thread: string;
  /** The agent about to write, when known: the status is shown under its name and icon (else the app's own). */
  readonly agent?: AgentPresentation;
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
  /**
   * Whether the agent's name can be the status's author (chat:write.customize), as for replies; without it the status
   * stays under the app's name and the agent's name follows the text ("is thinking… (Math Tutor)").
   */
  readonly identity?: AgentIdentityMode;
}

export function slackThreadStatus(options: ThreadStatusOptions): SlackThreadStatus {
  const text = options.text ?? "is thinking…";
  const { identity } = options;
  const show = async (ref: SlackThread): Promise<void> => {
    const { agent } = ref;
    const customize = agent !== undefined && identity?.canCustomize !== false;
    const authorship = customize ? authorshipOf(agent) : {};
    const status = agent === undefined || customize ? text : `${text} (${authorshipOf(agent).username})`;
    const answer = await options.client.assistant.threads.setStatus({ channel_id: ref.channel, thread_ts: ref.thread, status, ...authorship });
    identity?.learnScopes(answer.response_metadata?.scopes);
  };
  const clear = async (ref: SlackThread): Promise<void> => {
    await options.client.assistant.threads.setStatus({ channel_id: ref.channel, thread_ts: ref.thread, status: "" });
  };
  return new BusyIndicator<SlackThread>({
    signal: { show, clear },
    key: (ref) => `${ref.channel}/${ref.thread}`,
    permanent: (error) => PERMANENT.has(slackErrorOf(error) ?? ""),
    logger: options.logger,
    name: "slack thread status",
  });
}
