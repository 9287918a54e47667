// What Slack sends to an app: signed Events API and slash-command requests, and builders for their bodies.

import { createHmac } from "node:crypto";

let counter = 0;
let lastTsMicros = 0;

/** A fresh, strictly increasing message ts ("1700000000.000123"). */
export function nextMessageTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  return `${Math.floor(lastTsMicros / 1_000_000)}.${String(lastTsMicros % 1_000_000).padStart(6, "0")}`;
}

/** A fresh Events API event id ("Ev0A1B2C…"). */
export function nextEventId(): string {
  counter += 1;
  return `Ev${Date.now().toString(36).toUpperCase()}${counter}`;
}

export interface SignatureHeaders {
  readonly "x-slack-request-timestamp": string;
  readonly "x-slack-signature": string;
}

/** Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, hex, prefixed "v0=". */
export function signSlackRequest(options: { signingSecret: string; body: string; timestampSeconds?: number }): SignatureHeaders {
  const timestamp = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const digest = createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${options.body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${digest}` };
}

export interface MessageEventInit {
  readonly channel: string;
  readonly user?: string;
  readonly text: string;
  readonly ts?: string;
  readonly threadTs?: string;
  /** "channel" (default for C…), "group", "im" (default for D…), "mpim". */
  readonly channelType?: string;
  readonly subtype?: string;
  readonly botId?: string;
  readonly team?: string;
  /** File objects (FakeSlack.files.upload): a message event then has subtype file_share, as Slack sends it. */
  readonly files?: readonly Record<string, unknown>[];
}

/** A `message` event as the Events API delivers it (message.channels / .groups / .im). */
export function messageEvent(init: MessageEventInit): Record<string, unknown> {
  const ts = init.ts ?? nextMessageTs();
  return {
    type: "message",
    ...(init.subtype === undefined ? (init.files === undefined ? {} : { subtype: "file_share" }) : { subtype: init.subtype }),
    ...(init.files === undefined ? {} : { files: init.files, upload: false, display_as_bot: false }),
    channel: init.channel,
    channel_type: init.channelType ?? (init.channel.startsWith("D") ? "im" : "channel"),
    ...(init.user === undefined ? {} : { user: init.user }),
    ...(init.botId === undefined ? {} : { bot_id: init.botId }),
    text: init.text,
    ts,
    event_ts: ts,
    ...(init.threadTs === undefined ? {} : { thread_ts: init.threadTs, parent_user_id: "U0PARENT" }),
    ...(init.team === undefined ? {} : { team: init.team }),
  };
}

/** An `app_mention` event: `text` should hold the `<@BOT>` mention, as Slack's does. */
export function appMentionEvent(init: Omit<MessageEventInit, "channelType" | "subtype">): Record<string, unknown> {
  const ts = init.ts ?? nextMessageTs();
  return {
    type: "app_mention",
    channel: init.channel,
    ...(init.files === undefined ? {} : { files: init.files }),
    ...(init.user === undefined ? {} : { user: init.user }),
    ...(init.botId === undefined ? {} : { bot_id: init.botId }),
    text: init.text,
    ts,
    event_ts: ts,
    ...(init.threadTs === undefined ? {} : { thread_ts: init.threadTs }),
  };
}

/** The Events API envelope (`type: "event_callback"`) around one event. */
export function eventCallback(init: {
  readonly teamId: string;
  readonly event: Record<string, unknown>;
  readonly eventId?: string;
  readonly botUserId?: string;
  readonly apiAppId?: string;
}): Record<string, unknown> {
  return {
    token: "deprecated-verification-token",
    team_id: init.teamId,
    api_app_id: init.apiAppId ?? "A0BATON",
    event: init.event,
    type: "event_callback",
    event_id: init.eventId ?? nextEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: init.teamId, user_id: init.botUserId ?? "U0BATONBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export interface SlashCommandInit {
  readonly command: string;
  readonly text: string;
  readonly userId: string;
  readonly userName?: string;
  readonly channelId: string;
  readonly channelName?: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly responseUrl: string;
  readonly triggerId?: string;
}

/** A slash command's application/x-www-form-urlencoded body, with the fields Slack sends. */
export function slashCommandBody(init: SlashCommandInit): string {
  counter += 1;
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: init.teamId,
    team_domain: init.teamDomain,
    channel_id: init.channelId,
    channel_name: init.channelName ?? "homework-help",
    user_id: init.userId,
    user_name: init.userName ?? init.userId.toLowerCase(),
    command: init.command,
    text: init.text,
    api_app_id: "A0BATON",
    is_enterprise_install: "false",
    response_url: init.responseUrl,
    trigger_id: init.triggerId ?? `${counter}.${Date.now()}.fakeTrigger${counter}`,
  }).toString();
}

export interface SendOptions {
  /** X-Slack-Retry-Num (and X-Slack-Retry-Reason), as on Slack's redeliveries. */
  readonly retryNum?: number;
  readonly retryReason?: string;
  /** Sign with this timestamp instead of now (e.g. six minutes ago: stale). */
  readonly timestampSeconds?: number;
  /** Sign with another secret (a forged request). */
  readonly signingSecret?: string;
}

export interface SentRequest {
  readonly status: number;
  readonly body: string;
}

/** Sends signed requests to an app's Events API endpoint, as Slack does. */
export class SlackEventSender {
  constructor(private readonly options: { readonly url: string; readonly signingSecret: string }) {}

  sendEvent(body: Record<string, unknown>, options: SendOptions = {}): Promise<SentRequest> {
    return this.#send(JSON.stringify(body), "application/json", options);
  }

  /** An interaction (block_actions…): Slack posts it form-encoded, the JSON in one `payload` field. */
  sendAction(payload: Record<string, unknown>, options: SendOptions = {}): Promise<SentRequest> {
    return this.#send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded", options);
  }

  sendCommand(formBody: string, options: SendOptions = {}): Promise<SentRequest> {
    return this.#send(formBody, "application/x-www-form-urlencoded", options);
  }

  async #send(body: string, contentType: string, options: SendOptions): Promise<SentRequest> {
    const signature = signSlackRequest({
      signingSecret: options.signingSecret ?? this.options.signingSecret,
      body,
      ...(options.timestampSeconds === undefined ? {} : { timestampSeconds: options.timestampSeconds }),
    });
    const retry: Record<string, string> =
      options.retryNum === undefined
        ? {}
        : { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": options.retryReason ?? "http_timeout" };
    const response = await fetch(this.options.url, { method: "POST", headers: { "content-type": contentType, ...signature, ...retry }, body });
    return { status: response.status, body: await response.text() };
  }
}
