// How students reach the agents on Slack: the slash command, an @mention, a reply in a bot thread, or a DM.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { Inbound, InboundEnvelope, OpenedThread, StoredInbound } from "../../bot/inbound-envelope.js";
import type { AgentPresentation, ConversationGateway, ThreadRef } from "../../bot/ports.js";
import type { InFlightWork } from "../common/in-flight.js";
import { slackErrorOf } from "./errors.js";
import { mentionsUser, slackTextToPlain } from "./inbound-text.js";
import { escapePlainText } from "./mrkdwn.js";
import { SLACK_PLATFORM, threadTsOf } from "./reply-poster.js";
import { readSlackDetail, type SlackCommandDetail, type SlackMessageDetail } from "./inbound-detail.js";
import { isDirectMessage, isFromPerson, type SlackFileRef, type SlackMessageEvent } from "./slack-events.js";
import { downloadAll } from "../../bot/attachments/download.js";
import type { InboundAttachment } from "../../bot/attachments/types.js";
import type { SlackThreadStatus } from "./thread-status.js";
import type { SlackUserDirectory } from "./user-directory.js";
import type { Respond } from "./moderation-commands.js";

export interface ConversationEntryOptions {
  readonly gateway: ConversationGateway;
  readonly client: webApi.WebClient;
  readonly users: SlackUserDirectory;
  readonly status: SlackThreadStatus;
  readonly work: InFlightWork;
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
      return this.#startTask("direct message", ref, delivery, false);
    }
    if (event.threadTs === undefined || mentionsUser(event.text, this.#o.bot.userId)) return Promise.resolve();
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs);
    return this.#startTask("thread reply", ref, delivery, true);
  }

  /** An @mention outside DMs: starts (or continues) the conversation in the thread of the mentioning message; as onMessage. */
  onMention(delivery: EventDelivery): Promise<void> {
    const { event } = delivery;
    if (!isFromPerson(event, this.#o.bot.userId) || isDirectMessage(event)) return Promise.resolve();
    const ref = this.#ref(delivery.teamId, event.channel, event.threadTs ?? event.ts);
    return this.#startTask("mention", ref, delivery, false);
  }

  /**
   * `/homework <question>`: already acknowledged. The command is stored first (its trigger_id is the event id, so a
   * replay does nothing), then "<@user> asked: …" is posted (the envelope's opensConversation) and the conversation
   * runs under it.
   */
  onCommand(command: StudentCommand): Promise<void> {
    const question = slackTextToPlain(command.text);
    if (question === "") {
      this.#o.work.run("slash command hint", () =>
        command.respond({ text: `Ask a question after the command: \`/${this.#o.commandName} What is the derivative of x^2?\``, response_type: "ephemeral" }),
      );
      return Promise.resolve();
    }
    const inbound: Inbound = {
      platform: SLACK_PLATFORM,
      workspace: command.teamId,
      eventId: `command:${command.triggerId}`,
      user: { id: command.userId, name: command.userName },
      text: question,
      detail: { kind: "command", channelId: command.channelId } satisfies SlackCommandDetail,
    };
    return this.#accept("slash command", this.#envelope(inbound, command.respond));
  }

  /** The envelope of an event stored before a restart, as it would have been finished live (without `respond`). */
  revive(stored: StoredInbound): InboundEnvelope | undefined {
    return readSlackDetail(stored.inbound.detail) === undefined ? undefined : this.#envelope(stored.inbound, undefined);
  }

  /** The network steps of an event (name, files, moderator check; the root message of a command) and what Slack shows meanwhile. */
  #envelope(data: Inbound, respond: Respond | undefined): InboundEnvelope {
    const detail = readSlackDetail(data.detail);
    const files = detail?.kind === "message" ? detail.files : undefined;
    const fallbackName = detail?.kind === "command" ? data.user.name : undefined;
    const inbound: Inbound = {
      ...data,
      lookups: {
        userName: () => this.#o.users.displayName(data.user.id, fallbackName),
        ...(files === undefined ? {} : { attachments: () => this.#download(files) }),
        ...(this.#o.isModerator === undefined ? {} : { isModerator: () => this.#o.isModerator!(data.user.id) }),
      },
    };
    const tellStudent = respond === undefined ? undefined : (text: string) => respond({ text, response_type: "ephemeral" });
    const thread = data.thread;
    return {
      inbound,
      ...(detail?.kind === "command" ? { opensConversation: () => this.#postRoot(data, detail, respond) } : {}),
      observer: {
        busyStart: (ref) => this.#status(ref, "begin"),
        busyEnd: (ref) => this.#status(ref, "end"),
        working: (ref, agent) => this.#working(ref, agent),
        ...(tellStudent !== undefined ? { tellStudent } : thread === undefined ? {} : { tellStudent: (text: string) => this.#tellInThread(thread, text) }),
        outcome: (outcome) => this.#o.logger.debug({ eventId: data.eventId, outcome }, "slack message handled"),
      },
    };
  }

  /** "<@user> asked: …", posted once the command is stored; its ts is the conversation's thread. */
  async #postRoot(data: Inbound, command: SlackCommandDetail, respond: Respond | undefined): Promise<OpenedThread | undefined> {
    const shown = data.text.length > ROOT_QUESTION_CHARS ? `${data.text.slice(0, ROOT_QUESTION_CHARS)}…` : data.text;
    try {
      const root = await this.#o.client.chat.postMessage({
        channel: command.channelId,
        text: `<@${data.user.id}> asked: ${escapePlainText(shown)}`,
        unfurl_links: false,
      });
      const rootTs = root.ts ?? "";
      return { ...this.#ref(data.workspace, command.channelId, rootTs), questionMessageId: rootTs };
    } catch (error) {
      this.#o.logger.warn({ err: error, channel: command.channelId }, "slack could not post a question's root message");
      await respond?.({ text: this.#cannotPost(slackErrorOf(error)), response_type: "ephemeral" });
      return undefined;
    }
  }

  #status(ref: ThreadRef, step: "begin" | "end"): Promise<void> | undefined {
    const threadTs = threadTsOf(ref);
    if (threadTs === undefined) return undefined;
    const thread = { channel: ref.channel, thread: threadTs };
    if (step === "begin") {
      this.#o.status.start(thread);
      return undefined;
    }
    return this.#o.status.end(thread);
  }

  /** The agent about to write: the status is shown under its name from now on. */
  #working(ref: ThreadRef, agent: AgentPresentation): void {
    const threadTs = threadTsOf(ref);
    if (threadTs !== undefined) this.#o.status.working({ channel: ref.channel, thread: threadTs, agent });
  }

  #ref(workspace: string, channel: string, thread: string): ThreadRef {
    return { platform: SLACK_PLATFORM, workspace, channel, thread };
  }

  /** Starts the event's work; resolves once it is stored (or found to be a duplicate), before any network wait. */
  #startTask(what: string, ref: ThreadRef, delivery: EventDelivery, onlyInConversation: boolean): Promise<void> {
    const { event } = delivery;
    const text = slackTextToPlain(event.text, { botUserId: this.#o.bot.userId });
    const userId = event.user ?? "";
    const files = this.#o.gateway.attachmentLimits?.() === undefined ? [] : (event.files ?? []);
    if (text === "" && files.length === 0) {
      if (what === "mention") this.#o.work.run("mention hint", () => this.#hint(event, userId));
      return Promise.resolve();
    }
    // Stored before anything waits on the network (the student's name, the thread status) and before Slack is
    // acknowledged: Slack will not send it again after its 200, so a crash from then on must not lose it.
    const inbound: Inbound = {
      platform: SLACK_PLATFORM,
      workspace: ref.workspace,
      eventId: delivery.eventId,
      user: { id: userId, name: "" },
      text,
      platformMessageId: event.ts,
      thread: ref,
      ...(onlyInConversation ? { onlyInConversation } : {}),
      detail: { kind: "message", what, ...(files.length === 0 ? {} : { files }) } satisfies SlackMessageDetail,
    };
    return this.#accept(what, this.#envelope(inbound, undefined));
  }

  /** Hands the envelope to the service in the background; resolves once it is stored (Slack may be acknowledged). */
  #accept(what: string, envelope: InboundEnvelope): Promise<void> {
    const stored = deferred();
    const observer = { ...envelope.observer, stored: stored.resolve };
    this.#o.work.run(what, () => this.#o.gateway.accept({ ...envelope, observer }).finally(stored.resolve));
    return stored.promise;
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
