// How students reach the agents on Slack: the slash command, an @mention, a reply in a bot thread, or a DM.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { ConversationGateway, InboundMessage, ThreadRef } from "../../bot/ports.js";
import type { BackgroundWork } from "./background-work.js";
import { slackErrorOf } from "./errors.js";
import { mentionsUser, slackTextToPlain } from "./inbound-text.js";
import { escapePlainText } from "./mrkdwn.js";
import { SLACK_PLATFORM, threadTsOf } from "./reply-poster.js";
import { isDirectMessage, isFromPerson, type SlackMessageEvent } from "./slack-events.js";
import type { ThreadStatusIndicator } from "./thread-status.js";
import type { SlackUserDirectory } from "./user-directory.js";
import type { Respond } from "./moderation-commands.js";

export interface ConversationEntryOptions {
  readonly gateway: ConversationGateway;
  readonly client: webApi.WebClient;
  readonly users: SlackUserDirectory;
  readonly status: ThreadStatusIndicator;
  readonly work: BackgroundWork;
  readonly logger: Logger;
  readonly bot: { readonly userId: string; readonly name: string };
  /** The student command's name without the slash, e.g. "homework". */
  readonly commandName: string;
}

/** An Events API delivery: the envelope's ids and the event inside it. */
export interface EventDelivery {
  readonly teamId: string;
  /** The envelope's event_id: the same on Slack's retries, so the service can drop them. */
  readonly eventId: string;
  readonly event: SlackMessageEvent;
}

/** The slash-command payload fields the student command reads. */
export interface StudentCommand {
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string;
  readonly text: string;
  readonly triggerId: string;
  readonly respond: Respond;
}

/** Slack shows long messages cut; the root only needs to say what was asked (the agents get all of it). */
const ROOT_QUESTION_CHARS = 2_800;

export class ConversationEntry {
  readonly #o: ConversationEntryOptions;

  constructor(options: ConversationEntryOptions) {
    this.#o = options;
  }

  /**
   * A message event. DMs are always conversations; in channels only replies in a thread that is already a
   * conversation count, and a reply that mentions the bot is left to the app_mention event (same message).
   */
  onMessage(delivery: EventDelivery): void {
    const { event } = delivery;
    if (!isFromPerson(event, this.#o.bot.userId)) return;
    if (isDirectMessage(event)) {
      const ref = this.#ref(delivery.teamId, event.channel, event.threadTs ?? event.channel);
      this.#startTask("direct message", ref, delivery);
      return;
    }
    if (event.threadTs === undefined || mentionsUser(event.text, this.#o.bot.userId)) return;
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs);
    if (!this.#o.gateway.hasConversation(ref)) return;
    this.#startTask("thread reply", ref, delivery);
  }

  /** An @mention outside DMs: starts (or continues) the conversation in the thread of the mentioning message. */
  onMention(delivery: EventDelivery): void {
    const { event } = delivery;
    if (!isFromPerson(event, this.#o.bot.userId) || isDirectMessage(event)) return;
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs ?? event.ts);
    this.#startTask("mention", ref, delivery);
  }

  /** `/homework <question>`: already acknowledged; posts "<@user> asked: …" and runs the conversation under it. */
  onCommand(command: StudentCommand): void {
    this.#o.work.run("slash command", async () => {
      // Before anything is posted: a replayed command (same trigger_id, still validly signed) must not open a thread.
      if (!(await this.#o.gateway.claimDelivery(SLACK_PLATFORM, `trigger:${command.triggerId}`))) {
        this.#o.logger.info({ channel: command.channelId }, "slack slash command replayed: ignored");
        return;
      }
      const question = slackTextToPlain(command.text);
      if (question === "") {
        await command.respond({ text: `Ask a question after the command: \`/${this.#o.commandName} What is the derivative of x^2?\``, response_type: "ephemeral" });
        return;
      }
      const shown = question.length > ROOT_QUESTION_CHARS ? `${question.slice(0, ROOT_QUESTION_CHARS)}…` : question;
      let rootTs: string;
      try {
        const root = await this.#o.client.chat.postMessage({
          channel: command.channelId,
          text: `<@${command.userId}> asked: ${escapePlainText(shown)}`,
          unfurl_links: false,
        });
        rootTs = root.ts ?? "";
      } catch (error) {
        this.#o.logger.warn({ err: error, channel: command.channelId }, "slack could not post a question's root message");
        await command.respond({ text: this.#cannotPost(slackErrorOf(error)), response_type: "ephemeral" });
        return;
      }
      const ref = this.#ref(command.teamId, command.channelId, rootTs);
      this.#o.gateway.openConversation(ref);
      const user = { id: command.userId, name: await this.#o.users.displayName(command.userId, command.userName) };
      await this.#converse(ref, {
        ...ref,
        eventId: `command:${command.triggerId}`,
        user,
        text: question,
        platformMessageId: rootTs,
      });
    });
  }

  #ref(workspace: string, channel: string, thread: string): ThreadRef {
    return { platform: SLACK_PLATFORM, workspace, channel, thread };
  }

  #startTask(what: string, ref: ThreadRef, delivery: EventDelivery): void {
    const { event } = delivery;
    const text = slackTextToPlain(event.text, { botUserId: this.#o.bot.userId });
    const userId = event.user ?? "";
    if (text === "") {
      if (what === "mention") this.#o.work.run("mention hint", () => this.#hint(event, userId));
      return;
    }
    this.#o.work.run(what, async () => {
      if (!this.#o.gateway.hasConversation(ref)) this.#o.gateway.openConversation(ref);
      const user = { id: userId, name: await this.#o.users.displayName(userId) };
      await this.#converse(ref, { ...ref, eventId: delivery.eventId, user, text, platformMessageId: event.ts });
    });
  }

  /** Runs the turn with the thread status shown meanwhile; the service posts the replies through the port. */
  async #converse(ref: ThreadRef, inbound: InboundMessage): Promise<void> {
    const threadTs = threadTsOf(ref);
    const statusRef = threadTs === undefined ? undefined : { channel: ref.channel, thread: threadTs };
    if (statusRef !== undefined) this.#o.status.begin(statusRef);
    try {
      const outcome = await this.#o.gateway.handle(inbound);
      this.#o.logger.debug({ eventId: inbound.eventId, outcome }, "slack message handled");
    } finally {
      if (statusRef !== undefined) await this.#o.status.end(statusRef);
    }
  }

  async #hint(event: SlackMessageEvent, userId: string): Promise<void> {
    await this.#o.client.chat.postEphemeral({
      channel: event.channel,
      user: userId,
      text: `Ask me a question in the same message, e.g. <@${this.#o.bot.userId}> What caused the French Revolution? — or use \`/${this.#o.commandName}\`.`,
      ...(event.threadTs === undefined ? {} : { thread_ts: event.threadTs }),
    });
  }

  #cannotPost(slackError: string | undefined): string {
    if (slackError === "not_in_channel" || slackError === "channel_not_found") {
      return `I can't post in this conversation. Invite me first (\`/invite @${this.#o.bot.name}\`), or ask me in a channel I'm in or in a direct message.`;
    }
    return `Sorry, I couldn't start a thread for your question (${slackError ?? "Slack did not answer"}). Please try again.`;
  }
}
