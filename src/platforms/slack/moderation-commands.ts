// The moderator slash commands: /<name>-history (a transcript, or the channel's conversations), /<name>-forget @user and
// /<name>-handback <thread link> (a thread that asked for a teacher goes back to the agents).

import type { Logger } from "pino";
import type { ConsoleLinks } from "../../bot/console-links.js";
import type { ModeratorReads, ReadScope } from "../../bot/moderator-reads-port.js";
import type { ConversationGateway, ThreadRef } from "../../bot/ports.js";
import { SLACK_PLATFORM } from "./reply-poster.js";
import { SLACK_CHUNKS, SLACK_MESSAGE_LIMIT, splitMessage, withLimit } from "../common/chunker.js";
import { isLinkOfWorkspace, parseThreadLink } from "./thread-link.js";
import { formatConversationList, formatTranscript } from "./transcript-format.js";
import type { SlackUserDirectory } from "./user-directory.js";

/** Posts to the command's response_url; Slack accepts up to five such answers per command. */
export type Respond = (message: { readonly text: string; readonly response_type: "ephemeral" }) => Promise<unknown>;

/** What the commands need from a slash-command payload. */
export interface ModerationRequest {
  readonly userId: string;
  /** The moderator's Slack name (slash payloads carry user_name), for the console's access log. */
  readonly userName?: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly channelId: string;
  readonly text: string;
  readonly respond: Respond;
}

export interface ModerationCommandsOptions {
  readonly gateway: ConversationGateway;
  /** Transcripts, listings and forgetting, each in the command's workspace. */
  readonly reads: ModeratorReads;
  readonly users: SlackUserDirectory;
  /** User ids allowed besides workspace admins and owners. */
  readonly moderatorIds: readonly string[];
  /** The student command's name without the slash ("homework"); the moderator commands add -history / -forget. */
  readonly commandName: string;
  readonly logger: Logger;
  readonly messageLimit?: number;
  /** The web console's signed links, when it runs: answers then open with a link into it. */
  readonly consoleLinks?: ConsoleLinks;
}

const MAX_RESPONSES = 5;
const LIST_LIMIT = 15;
const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

export const REFUSAL = "Sorry, only moderators can use this command.";
export const HANDBACK_ANSWERS = {
  handed_back: "Handed back: the tutors answer the student's next message in that thread.",
  not_waiting: "That thread is not waiting for a teacher: the tutors already answer there.",
  unknown_thread: "No conversation is stored for that thread.",
} as const;
export const OTHER_WORKSPACE = "That link is not a thread of this workspace: you can only read this workspace's conversations here.";

export class ModerationCommands {
  readonly #options: ModerationCommandsOptions;

  constructor(options: ModerationCommandsOptions) {
    this.#options = options;
  }

  get historyCommand(): string {
    return `/${this.#options.commandName}-history`;
  }

  get forgetCommand(): string {
    return `/${this.#options.commandName}-forget`;
  }

  get handbackCommand(): string {
    return `/${this.#options.commandName}-handback`;
  }

  /** Listed in SLACK_MODERATOR_IDS, or a workspace admin or owner according to users.info (asked again if `fresh`). */
  async isModerator(userId: string, options: { readonly fresh?: boolean } = {}): Promise<boolean> {
    if (this.#options.moderatorIds.includes(userId)) return true;
    const info = await this.#options.users.lookup(userId, options);
    return info !== undefined && (info.isAdmin || info.isOwner);
  }

  async history(request: ModerationRequest): Promise<void> {
    if (!(await this.#allowed(request))) return;
    const argument = request.text.trim();
    if (argument === "") {
      const conversations = await this.#options.reads.listConversations(scopeOf(request), { channel: request.channelId, limit: LIST_LIMIT });
      const text = formatConversationList({
        conversations,
        teamDomain: request.teamDomain,
        channel: request.channelId,
        historyCommand: this.historyCommand,
      });
      await this.#reply(request, this.#withConsoleLink(request, text, "All of this workspace's conversations in the console"));
      return;
    }
    const location = parseThreadLink(argument);
    if (location === undefined) {
      await this.#reply(request, `That is not a Slack thread link. Usage: \`${this.historyCommand} [thread link]\` (use "Copy link" on the thread's first message).`);
      return;
    }
    // Authorised where the thread lives: a moderator of this workspace is not one of another, and a link's channel and
    // ts must never be read as this workspace's.
    if (!isLinkOfWorkspace(location, request)) {
      this.#options.logger.info({ moderator: request.userId }, "slack moderator refused a thread link of another workspace");
      await this.#reply(request, OTHER_WORKSPACE);
      return;
    }
    const ref: ThreadRef = {
      platform: SLACK_PLATFORM,
      workspace: request.teamId,
      channel: location.channel,
      thread: location.threadTs ?? location.channel,
    };
    const transcript = await this.#options.reads.transcript(scopeOf(request), ref);
    if (transcript === undefined) {
      await this.#reply(request, "No conversation is stored for that thread.");
      return;
    }
    this.#options.logger.info({ moderator: request.userId, conversationId: transcript.conversationId }, "slack moderator read a transcript");
    const text = formatTranscript({ transcript, teamDomain: request.teamDomain });
    await this.#reply(request, this.#withConsoleLink(request, text, "Open this conversation in the console", transcript.conversationId));
  }

  /**
   * Slash commands carry no thread, so the thread comes as its link ("Copy link" on its first message), checked to be
   * this workspace's; the moderator rule is the other commands'.
   */
  async handback(request: ModerationRequest): Promise<void> {
    if (!(await this.#allowed(request))) return;
    const location = parseThreadLink(request.text.trim());
    const handBack = this.#options.gateway.handBack;
    if (location === undefined || handBack === undefined) {
      await this.#reply(request, `Usage: \`${this.handbackCommand} [thread link]\` (use "Copy link" on the thread's first message).`);
      return;
    }
    if (!isLinkOfWorkspace(location, request)) {
      this.#options.logger.info({ moderator: request.userId }, "slack moderator refused a thread link of another workspace");
      await this.#reply(request, OTHER_WORKSPACE);
      return;
    }
    const ref: ThreadRef = { platform: SLACK_PLATFORM, workspace: request.teamId, channel: location.channel, thread: location.threadTs ?? location.channel };
    const result = await handBack.call(this.#options.gateway, ref);
    this.#options.logger.info({ moderator: request.userId, result }, "slack moderator ran handback");
    await this.#reply(request, HANDBACK_ANSWERS[result]);
  }

  async forget(request: ModerationRequest): Promise<void> {
    if (!(await this.#allowed(request))) return;
    const argument = request.text.trim();
    const mention = USER_MENTION.exec(argument);
    const userId = mention?.[1] ?? (USER_ID.test(argument) ? argument : undefined);
    if (userId === undefined) {
      await this.#reply(request, `Usage: \`${this.forgetCommand} @user\` (pick the user from the list Slack offers as you type).`);
      return;
    }
    // A moderator's reach is their workspace.
    const deleted = await this.#options.reads.forgetUser(scopeOf(request), userId);
    this.#options.logger.info({ moderator: request.userId, user: userId, deleted }, "slack moderator forgot a user");
    await this.#reply(request, `Deleted ${deleted} stored message${deleted === 1 ? "" : "s"} of <@${userId}>.`);
  }

  /** A signed link (15 minutes, single use) first, so it is in the first answer; text unchanged without the console. */
  #withConsoleLink(request: ModerationRequest, text: string, label: string, conversationId?: number): string {
    const links = this.#options.consoleLinks;
    if (links === undefined) return text;
    const url = links.linkFor({
      platform: SLACK_PLATFORM,
      workspace: request.teamId,
      ...(conversationId !== undefined && { conversationId }),
      moderator: { id: request.userId, name: request.userName ?? request.userId },
    });
    return `<${url}|${label}> _(link valid 15 minutes, once)_\n\n${text}`;
  }

  async #allowed(request: ModerationRequest): Promise<boolean> {
    if (await this.isModerator(request.userId)) return true;
    this.#options.logger.info({ user: request.userId }, "slack moderator command refused");
    await request.respond({ text: REFUSAL, response_type: "ephemeral" });
    return false;
  }

  /** Sends ephemeral answers, split to Slack's size; past five parts the rest is cut with a note. */
  async #reply(request: ModerationRequest, text: string): Promise<void> {
    const note = "\n\n_… cut here: Slack allows five answers to one command._";
    const limit = (this.#options.messageLimit ?? SLACK_MESSAGE_LIMIT) - note.length;
    const pieces = splitMessage(text, withLimit(SLACK_CHUNKS, limit));
    const shown = pieces.slice(0, MAX_RESPONSES);
    if (pieces.length > MAX_RESPONSES) shown[MAX_RESPONSES - 1] += note;
    for (const piece of shown) await request.respond({ text: piece, response_type: "ephemeral" });
  }
}

/** A moderator's reach: the workspace the command was run in. */
function scopeOf(request: ModerationRequest): ReadScope {
  return { platform: SLACK_PLATFORM, workspace: request.teamId };
}
