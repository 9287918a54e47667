// The Slack adapter's settings, as src/config reads them from the environment.

export interface SlackSettings {
  /** SLACK_BOT_TOKEN (xoxb-…): every Web API call. */
  readonly botToken: string;
  /** SLACK_APP_TOKEN (xapp-…): when set, events arrive over Socket Mode and no public URL is needed. */
  readonly appToken?: string;
  /** SLACK_SIGNING_SECRET: verifies HTTP deliveries; required without an app token. */
  readonly signingSecret?: string;
  /** PORT of the HTTP receiver (POST /slack/events); 0 picks a free port (tests). Unused with Socket Mode. */
  readonly port: number;
  /** The interface the HTTP receiver binds; default all interfaces. Tests use "127.0.0.1". */
  readonly host?: string;
  /** SLACK_COMMAND, default "homework": /homework, /homework-history and /homework-forget. */
  readonly commandName: string;
  /** SLACK_MODERATOR_IDS: users allowed the moderator commands besides workspace admins and owners. */
  readonly moderatorIds: readonly string[];
  /** SLACK_ALERT_CHANNEL: the moderators' channel id, where safety alerts are posted (the bot must be a member). */
  readonly alertChannel?: string;
  /** SLACK_API_URL: another Web API base (a proxy, or a fake in tests), e.g. "http://127.0.0.1:3999/api/". */
  readonly apiUrl?: string;
  /** SLACK_MAX_BODY_BYTES: HTTP bodies larger than this are refused with 413 as they stream. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * SLACK_STREAM_REPLIES: replies grow as the model writes (chat.startStream where Slack allows it, else
   * chat.postMessage then chat.update about once a second). Default true; false posts each reply whole.
   */
  readonly streamReplies?: boolean;
}

export const DEFAULT_COMMAND_NAME = "homework";

/** Slack's own payloads are a few kB; a megabyte leaves room for long messages and large block payloads. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
