// Posts a safety alert to the moderators' channel (DISCORD_ALERT_CHANNEL_ID) as an embed that pings no one.

import { EmbedBuilder, escapeMarkdown, type Client } from "discord.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import { NO_MENTIONS } from "./bot-context.js";
import { DiscordAdapterError, discordDeliveryError } from "./errors.js";

const COLOURS = { urgent: 0xd93025, alert: 0xf29900, teacher: 0x1a73e8 } as const;
const FIELD_VALUE_LIMIT = 1024;
/** Student- or model-written text in an alert: every Markdown form escaped, masked links and headings too. */
const ESCAPE_ALL = { heading: true, bulletedList: true, numberedList: true, maskedLink: true } as const;
const escapeAll = (text: string): string => escapeMarkdown(text, ESCAPE_ALL);

const ACTIONS: Record<SafetyAlert["action"], string> = {
  block: "Blocked: no agent saw it; the student got the caring reply",
  answer: "Answered: the conversation went on",
  withhold: "Withheld: the answer was replaced by a notice",
};

/**
 * The link Discord opens at the message (or at the thread, when the message id is not known). A thread started from a
 * message takes that message's id, and the message itself stays in the parent channel: its link names the parent.
 */
export function discordMessageLink(alert: Pick<SafetyAlert, "thread" | "platformMessageId">): string {
  const { workspace, channel, thread } = alert.thread;
  const id = alert.platformMessageId;
  if (id === undefined) return `https://discord.com/channels/${workspace}/${thread}`;
  return `https://discord.com/channels/${workspace}/${id === thread ? channel : thread}/${id}`;
}

/** The embed of one alert: every text from a student or a model is escaped, and it is far inside Discord's limits. */
export function alertEmbed(alert: SafetyAlert): EmbedBuilder {
  const urgent = alert.severity === "urgent";
  const names = Object.keys(alert.categories);
  const link = discordMessageLink(alert);
  const categories = Object.entries(alert.categories)
    .map(([name, score]) => `${escapeMarkdown(name)} (${score.toFixed(2)})`)
    .join(", ");
  return new EmbedBuilder()
    .setColor(COLOURS[alert.severity])
    .setTitle(`${urgent ? "Urgent" : "Alert"}: ${names[0] ?? "flagged"}`.slice(0, 256))
    .setURL(link)
    .setDescription(alert.excerpt === "" ? "_(no text)_" : escapeAll(alert.excerpt))
    .addFields(
      { name: "Category", value: cut(categories === "" ? "unspecified" : categories) },
      // A name and an id, never a mention: the alert must not ping the student.
      { name: "Student", value: cut(`${escapeAll(alert.student.name)} (${alert.student.id || "unknown"})`), inline: true },
      { name: alert.source === "input" ? "Student's message" : "Agent's answer", value: ACTIONS[alert.action], inline: true },
      { name: "Message", value: `[Open in Discord](${link})` },
    )
    .setFooter({ text: `Flag #${alert.flagId}` });
}

/** A thread handed to a person: who asked, why, the student's words, and the link into the thread. */
export function teacherRequestEmbed(alert: TeacherRequestAlert): EmbedBuilder {
  const link = discordMessageLink(alert);
  return new EmbedBuilder()
    .setColor(COLOURS.teacher)
    .setTitle(`${alert.human} asked for in a tutoring thread`.slice(0, 256))
    .setURL(link)
    .setDescription(alert.excerpt === "" ? "_(no text)_" : escapeMarkdown(alert.excerpt))
    .addFields(
      { name: "Student", value: cut(`${escapeMarkdown(alert.student.name)} (${alert.student.id || "unknown"})`), inline: true },
      { name: "Asked by", value: cut(escapeMarkdown(alert.from)), inline: true },
      { name: "Why", value: cut(alert.reason === "" ? "_(no reason given)_" : escapeMarkdown(alert.reason)) },
      { name: "Thread", value: `[Open in Discord](${link}) — the agents wait there until a moderator runs /handback in it.` },
    )
    .setFooter({ text: `Conversation #${alert.conversationId}` });
}

export class DiscordAlertPoster {
  constructor(
    private readonly client: Client<true>,
    private readonly channelId: string,
  ) {}

  async post(alert: SafetyAlert): Promise<void> {
    await this.send(alertEmbed(alert));
  }

  async postTeacherRequest(alert: TeacherRequestAlert): Promise<void> {
    await this.send(teacherRequestEmbed(alert));
  }

  private async send(embed: EmbedBuilder): Promise<void> {
    try {
      const channel = await this.client.channels.fetch(this.channelId);
      if (channel === null || !channel.isSendable()) {
        throw new DiscordAdapterError("discord_channel_unavailable", `the alert channel ${this.channelId} cannot be posted to`);
      }
      await channel.send({ embeds: [embed], allowedMentions: NO_MENTIONS });
    } catch (error) {
      throw discordDeliveryError(error);
    }
  }
}

function cut(text: string): string {
  return text.length <= FIELD_VALUE_LIMIT ? text : `${text.slice(0, FIELD_VALUE_LIMIT - 1)}…`;
}
