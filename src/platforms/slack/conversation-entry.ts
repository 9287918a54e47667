// How students reach the agents on Slack: the slash command, an @mention, a reply in a bot thread, or a DM.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Receipt } from "../../bot/intake-ports.js";
import type { ConversationGateway, InboundMessage, ThreadRef } from "../../bot/ports.js";
import type { BackgroundWork } from "./background-work.js";
import { slackErrorOf } from "./errors.js";
import { mentionsUser, slackTextToPlain } from "./inbound-text.js";
import { escapePlainText } from "./mrkdwn.js";
import { SLACK_PLATFORM, threadTsOf } from "./reply-poster.js";
import { readReceivedSlackEvent, type ReceivedSlackCommand, type ReceivedSlackMessage } from "./received-payload.js";
import { isDirectMessage, isFromPerson, type SlackFileRef, type SlackMessageEvent } from "./slack-events.js";
import { downloadAll } from "../../bot/attachments/download.js";
import type { InboundAttachment } from "../../bot/attachments/types.js";
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
  /** The bot token: files are downloaded with it (Authorization: Bearer; scope files:read). Never logged. */
  readonly botToken: string;
  /** The moderator rule (SLACK_MODERATOR_IDS, admins, owners): asked only in a thread waiting for a teacher. */
  readonly isModerator?: (userId: string) => Promise<boolean>;
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
   * Resolves once the event is stored (the rest runs in the background): Slack is acknowledged after that.
   */
  onMessage(delivery: EventDelivery): Promise<void> {
    const { event } = delivery;
    if (!isFromPerson(event, this.#o.bot.userId)) return Promise.resolve();
    if (isDirectMessage(event)) {
      const ref = this.#ref(delivery.teamId, event.channel, event.threadTs ?? event.channel);
      return this.#startTask("direct message", ref, delivery);
    }
    if (event.threadTs === undefined || mentionsUser(event.text, this.#o.bot.userId)) return Promise.resolve();
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs);
    if (!this.#o.gateway.hasConversation(ref)) return Promise.resolve();
    return this.#startTask("thread reply", ref, delivery);
  }

  /** An @mention outside DMs: starts (or continues) the conversation in the thread of the mentioning message; as onMessage. */
  onMention(delivery: EventDelivery): Promise<void> {
    const { event } = delivery;
    if (!isFromPerson(event, this.#o.bot.userId) || isDirectMessage(event)) return Promise.resolve();
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs ?? event.ts);
    return this.#startTask("mention", ref, delivery);
  }

  /**
   * `/homework <question>`: already acknowledged. The command is persisted first (its trigger_id is the event id, so a
   * replay does nothing), then "<@user> asked: …" is posted and the conversation runs under it.
   */
  onCommand(command: StudentCommand): Promise<void> {
    const stored = deferred();
    this.#o.work.run("slash command", async () => {
      // Before anything is posted: a replayed command (same trigger_id, still validly signed) must not open a thread.
      const claimed = await this.#o.gateway.claimDelivery(SLACK_PLATFORM, `trigger:${command.triggerId}`).finally(stored.resolve);
      if (!claimed) {
        this.#o.logger.info({ channel: command.channelId }, "slack slash command replayed: ignored");
        return;
      }
      const question = slackTextToPlain(command.text);
      if (question === "") {
        await command.respond({ text: `Ask a question after the command: \`/${this.#o.commandName} What is the derivative of x^2?\``, response_type: "ephemeral" });
        return;
      }
      const payload: ReceivedSlackCommand = {
        kind: "command",
        teamId: command.teamId,
        channelId: command.channelId,
        userId: command.userId,
        userName: command.userName,
        question,
      };
      const receipt = await this.#o.gateway.receive(
        { platform: SLACK_PLATFORM, workspace: command.teamId, eventId: `command:${command.triggerId}`, userId: command.userId, payload },
        { tellStudent: (text) => command.respond({ text, response_type: "ephemeral" }) },
      );
      if (receipt !== undefined) await this.#finishCommand(receipt, payload, command.respond);
    });
    return stored.promise;
  }

  /** Finishes an event received before a restart, exactly as it would have been finished live. */
  async finish(receipt: Receipt): Promise<void> {
    const payload = readReceivedSlackEvent(receipt.payload);
    if (payload === undefined) {
      this.#o.logger.warn({ receiptId: receipt.receiptId }, "slack: a received event this version cannot read was dropped");
      await this.#o.gateway.dropReceipt(receipt);
      return;
    }
    if (payload.kind === "command") await this.#finishCommand(receipt, payload, undefined);
    else await this.#finishMessage(receipt, payload);
  }

  async #finishCommand(receipt: Receipt, command: ReceivedSlackCommand, respond: Respond | undefined): Promise<void> {
    let rootTs = command.rootTs;
    if (rootTs === undefined) {
      const shown = command.question.length > ROOT_QUESTION_CHARS ? `${command.question.slice(0, ROOT_QUESTION_CHARS)}…` : command.question;
      try {
        const root = await this.#o.client.chat.postMessage({
          channel: command.channelId,
          text: `<@${command.userId}> asked: ${escapePlainText(shown)}`,
          unfurl_links: false,
        });
        rootTs = root.ts ?? "";
      } catch (error) {
        this.#o.logger.warn({ err: error, channel: command.channelId }, "slack could not post a question's root message");
        await this.#o.gateway.dropReceipt(receipt);
        await respond?.({ text: this.#cannotPost(slackErrorOf(error)), response_type: "ephemeral" });
        return;
      }
      // Remembered at once: a restart from here on continues under this root instead of posting another.
      receipt = await this.#o.gateway.updateReceipt(receipt, { ...command, rootTs });
    }
    const ref = this.#ref(command.teamId, command.channelId, rootTs);
    await this.#o.gateway.openConversation(ref);
    const user = { id: command.userId, name: await this.#o.users.displayName(command.userId, command.userName) };
    await this.#converse(ref, receipt, { ...ref, eventId: receipt.eventId, user, text: command.question, platformMessageId: rootTs });
  }

  #ref(workspace: string, channel: string, thread: string): ThreadRef {
    return { platform: SLACK_PLATFORM, workspace, channel, thread };
  }

  /** Starts the event's work; resolves once it is stored (or found to be a duplicate), before any network wait. */
  #startTask(what: string, ref: ThreadRef, delivery: EventDelivery): Promise<void> {
    const { event } = delivery;
    const text = slackTextToPlain(event.text, { botUserId: this.#o.bot.userId });
    const userId = event.user ?? "";
    const files = this.#o.gateway.attachmentLimits?.() === undefined ? [] : (event.files ?? []);
    if (text === "" && files.length === 0) {
      if (what === "mention") this.#o.work.run("mention hint", () => this.#hint(event, userId));
      return Promise.resolve();
    }
    const stored = deferred();
    this.#o.work.run(what, async () => {
      // Persisted before anything waits on the network (the student's name, the thread status) and before Slack is
      // acknowledged: Slack will not send it again after its 200, so a crash from then on must not lose it.
      const payload: ReceivedSlackMessage = {
        kind: "message",
        what,
        teamId: ref.workspace,
        channel: ref.channel,
        thread: ref.thread,
        userId,
        text,
        ts: event.ts,
        ...(files.length === 0 ? {} : { files }),
      };
      const receipt = await this.#o.gateway
        .receive({ platform: SLACK_PLATFORM, workspace: ref.workspace, eventId: delivery.eventId, userId, payload }, { tellStudent: (notice) => this.#tellInThread(ref, notice) })
        .finally(stored.resolve);
      if (receipt !== undefined) await this.#finishMessage(receipt, payload);
    });
    return stored.promise;
  }

  async #finishMessage(receipt: Receipt, message: ReceivedSlackMessage): Promise<void> {
    const ref = this.#ref(message.teamId, message.channel, message.thread);
    if (!this.#o.gateway.hasConversation(ref)) await this.#o.gateway.openConversation(ref);
    const user = { id: message.userId, name: await this.#o.users.displayName(message.userId) };
    const attachments = await this.#download(message.files);
    // A thread handed to a person: a moderator's message there is the teacher's turn.
    const fromModerator = this.#o.gateway.waitingFor?.(ref) !== undefined && (await this.#o.isModerator?.(message.userId)) === true;
    await this.#converse(ref, receipt, {
      ...ref,
      eventId: receipt.eventId,
      user,
      text: message.text,
      platformMessageId: message.ts,
      ...(attachments.length === 0 ? {} : { attachments }),
      ...(fromModerator ? { fromModerator } : {}),
    });
  }

  /** Downloaded when finishing (after the event is stored), with the bot token; a missing files:read scope is named. */
  async #download(files: readonly SlackFileRef[] | undefined): Promise<InboundAttachment[]> {
    const limits = this.#o.gateway.attachmentLimits?.();
    if (files === undefined || files.length === 0 || limits === undefined) return [];
    const attachments = await downloadAll(files, {
      maxBytes: limits.maxBytes,
      maxCount: limits.maxPerMessage,
      vision: limits.vision,
      headers: { Authorization: `Bearer ${this.#o.botToken}` },
      htmlMeansMissingScope: true,
    });
    if (attachments.some((item) => item.problem === "missing_scope")) {
      this.#o.logger.warn("slack: a student's file could not be read: the app lacks the files:read scope (reinstall it from slack/manifest.yml)");
    }
    return attachments;
  }

  /** Runs the turn with the thread status shown meanwhile; the service posts the replies through the port. */
  async #converse(ref: ThreadRef, receipt: Receipt, inbound: InboundMessage): Promise<void> {
    const threadTs = threadTsOf(ref);
    // No "is thinking…" in a thread waiting for a teacher: the agents do not answer there.
    const statusRef = threadTs === undefined || this.#o.gateway.waitingFor?.(ref) !== undefined ? undefined : { channel: ref.channel, thread: threadTs };
    if (statusRef !== undefined) this.#o.status.begin(statusRef);
    try {
      const outcome = await this.#o.gateway.handleReceived(receipt, inbound);
      this.#o.logger.debug({ eventId: inbound.eventId, outcome }, "slack message handled");
    } finally {
      if (statusRef !== undefined) await this.#o.status.end(statusRef);
    }
  }

  /** A notice from the bot itself (not an agent), e.g. that the message is kept while the database is locked. */
  async #tellInThread(ref: ThreadRef, text: string): Promise<void> {
    const threadTs = threadTsOf(ref);
    await this.#o.client.chat.postMessage({ channel: ref.channel, text, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) });
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

/** A promise and the function that resolves it. */
function deferred(): { readonly promise: Promise<void>; readonly resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
