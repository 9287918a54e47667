// Posts a safety alert to the moderators' channel (SLACK_ALERT_CHANNEL): text and blocks with the message's permalink,
// every student- or model-written word escaped so nothing in it can ping (<!channel>, <@U…>) or link.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import { slackErrorOf, slackDeliveryError } from "./errors.js";
import { escapePlainText } from "./mrkdwn-inline.js";

const ACTIONS: Record<SafetyAlert["action"], string> = {
  block: "Blocked: no agent saw it; the student got the caring reply",
  answer: "Answered: the conversation went on",
  withhold: "Withheld: the answer was replaced by a notice",
};

/** Slack answers that mean the permalink cannot be had (the message is gone): the alert goes out without it. */
const NO_PERMALINK = new Set(["message_not_found", "channel_not_found"]);

export interface SlackAlertPosterOptions {
  readonly client: webApi.WebClient;
  readonly channel: string;
  readonly logger: Logger;
}

export class SlackAlertPoster {
  constructor(private readonly options: SlackAlertPosterOptions) {}

  async post(alert: SafetyAlert): Promise<void> {
    await this.send(alertMessage(alert, await this.permalink(alert, { flagId: alert.flagId })));
  }

  async postTeacherRequest(alert: TeacherRequestAlert): Promise<void> {
    await this.send(teacherRequestMessage(alert, await this.permalink(alert, { conversationId: alert.conversationId })));
  }

  private async send(message: { text: string; blocks: webApi.KnownBlock[] }): Promise<void> {
    try {
      await this.options.client.chat.postMessage({ channel: this.options.channel, unfurl_links: false, unfurl_media: false, ...message });
    } catch (error) {
      throw slackDeliveryError("chat.postMessage", error);
    }
  }

  /** The message's permalink (the thread's root when its ts is not known), or undefined when Slack has none. */
  private permalink(alert: Pick<SafetyAlert, "thread" | "platformMessageId">, context: Readonly<Record<string, number>>): Promise<string | undefined> {
    return permalinkOf(this.options.client, this.options.logger, alert, context);
  }
}

export interface SlackModeratorDMsOptions {
  readonly client: webApi.WebClient;
  /** SLACK_MODERATOR_IDS. */
  readonly moderatorIds: readonly string[];
  readonly logger: Logger;
}

/**
 * Without SLACK_ALERT_CHANNEL: a thread handed to a person is told to each of SLACK_MODERATOR_IDS in a direct message
 * (conversations.open, then chat.postMessage). One moderator that cannot be reached does not stop the others; the
 * request fails (and is retried) only when none could be told.
 */
export class SlackModeratorDMs {
  constructor(private readonly options: SlackModeratorDMsOptions) {}

  async postTeacherRequest(alert: TeacherRequestAlert): Promise<void> {
    const { client, logger } = this.options;
    const permalink = await permalinkOf(client, logger, alert, { conversationId: alert.conversationId });
    const message = teacherRequestMessage(alert, permalink);
    let told = 0;
    let lastError: unknown;
    for (const user of this.options.moderatorIds) {
      try {
        const opened = await client.conversations.open({ users: user });
        const channel = opened.channel?.id;
        if (channel === undefined) throw new Error("conversations.open answered no channel");
        await client.chat.postMessage({ channel, unfurl_links: false, unfurl_media: false, ...message });
        told++;
      } catch (error) {
        lastError = error;
        logger.warn({ err: error, moderator: user, slackError: slackErrorOf(error) }, "slack: could not tell a moderator by DM that a student asked for a teacher");
      }
    }
    if (told === 0 && lastError !== undefined) throw slackDeliveryError("chat.postMessage", lastError);
  }
}

async function permalinkOf(
  client: webApi.WebClient,
  logger: Logger,
  alert: Pick<SafetyAlert, "thread" | "platformMessageId">,
  context: Readonly<Record<string, number>>,
): Promise<string | undefined> {
  const { channel, thread } = alert.thread;
  try {
    const answer = await client.chat.getPermalink({ channel, message_ts: alert.platformMessageId ?? thread });
    return answer.permalink;
  } catch (error) {
    const slackError = slackErrorOf(error);
    if (slackError === undefined || !NO_PERMALINK.has(slackError)) throw slackDeliveryError("chat.getPermalink", error);
    logger.warn({ ...context, slackError }, "slack: no permalink for an alert's message; the alert goes without it");
    return undefined;
  }
}

/** A thread handed to a person, as chat.postMessage arguments: who asked, why, the student's words, the link. */
export function teacherRequestMessage(alert: TeacherRequestAlert, permalink: string | undefined): { text: string; blocks: webApi.KnownBlock[] } {
  const title = `:raising_hand: ${escapePlainText(alert.human)} asked for in a tutoring thread`;
  const student = `${escapePlainText(alert.student.name)} (${escapePlainText(alert.student.id || "unknown")})`;
  const link = permalink === undefined ? "(no link: the message is gone)" : `<${permalink}|Open the thread>`;
  const quoted = alert.excerpt === "" ? "_(no text)_" : `>${escapePlainText(alert.excerpt)}`;
  return {
    text: `${title} — ${student} — ${link}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: `${alert.human} asked for in a tutoring thread`.slice(0, 150), emoji: true } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Student*\n${student}`, verbatim: true },
          { type: "mrkdwn", text: `*Asked by*\n${escapePlainText(alert.from)}`, verbatim: true },
          { type: "mrkdwn", text: `*Why*\n${escapePlainText(alert.reason || "(no reason given)")}`, verbatim: true },
          { type: "mrkdwn", text: `*Thread*\n${link}`, verbatim: true },
        ],
      },
      { type: "section", text: { type: "mrkdwn", text: quoted, verbatim: true } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `Conversation #${alert.conversationId} · the tutors wait until a moderator hands it back (the -handback command, with the thread link)`, verbatim: true }],
      },
    ],
  };
}

/** The alert as chat.postMessage arguments: a notification text (escaped) and the blocks moderators read. */
export function alertMessage(alert: SafetyAlert, permalink: string | undefined): { text: string; blocks: webApi.KnownBlock[] } {
  const urgent = alert.severity === "urgent";
  const categories = Object.entries(alert.categories).map(([name, score]) => `${name} (${score.toFixed(2)})`);
  const top = Object.keys(alert.categories)[0] ?? "flagged";
  const title = `${urgent ? ":rotating_light: Urgent" : ":warning: Alert"}: ${top}`;
  // A name and an id, never <@U…>: the alert must not notify the student.
  const student = `${escapePlainText(alert.student.name)} (${escapePlainText(alert.student.id || "unknown")})`;
  const link = permalink === undefined ? "(no link: the message is gone)" : `<${permalink}|Open the message>`;
  const quoted = alert.excerpt === "" ? "_(no text)_" : `>${escapePlainText(alert.excerpt)}`;
  return {
    text: `${title} — ${student} — ${link}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.replace(/:[a-z_]+: /, "").slice(0, 150), emoji: true } },
      {
        type: "section",
        fields: [
          { type: "mrkdwn", text: `*Category*\n${escapePlainText(categories.join(", ") || "unspecified")}`, verbatim: true },
          { type: "mrkdwn", text: `*Student*\n${student}`, verbatim: true },
          { type: "mrkdwn", text: `*${alert.source === "input" ? "Student's message" : "Agent's answer"}*\n${ACTIONS[alert.action]}`, verbatim: true },
          { type: "mrkdwn", text: `*Message*\n${link}`, verbatim: true },
        ],
      },
      { type: "section", text: { type: "mrkdwn", text: quoted, verbatim: true } },
      { type: "context", elements: [{ type: "mrkdwn", text: `Flag #${alert.flagId}`, verbatim: true }] },
    ],
  };
}
