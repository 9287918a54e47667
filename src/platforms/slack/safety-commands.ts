// /<name>-flags (the workspace's open safety flags, newest first, a "Mark reviewed" button each) and /<name>-usage
// (tokens and estimated cost, per agent), and the button's click: moderators only, checked again at the click.

import type { Logger } from "pino";
import type { ConsoleLinks } from "../../bot/console-links.js";
import type { ModeratorReads } from "../../bot/moderator-reads-port.js";
import type { ConversationGateway } from "../../bot/ports.js";
import type { ModeratorScope, SafetyReview } from "../../bot/safety-review.js";
import type { FlagRow } from "../../store/flag-types.js";
import { FLAG_GONE, flagExcerpt, flagHeadline, FLAGS_SHOWN, NO_OPEN_FLAGS, SAFETY_OFF, usageLines } from "../common/safety-summaries.js";
import { escapePlainText } from "./mrkdwn-inline.js";
import { REFUSAL } from "./moderation-commands.js";
import { SLACK_PLATFORM } from "./reply-poster.js";
import { buildThreadLink } from "./thread-link.js";
import { slackDate } from "./transcript-format.js";

/** action_id of a flag's button: the prefix and the flag id. */
export const REVIEW_ACTION_PREFIX = "baton-review-flag-";
export const REVIEW_ACTION = /^baton-review-flag-\d+$/;
/** The actions block's block_id carries the ids listed, so a click can show the same listing, updated. */
const LISTING_BLOCK = "baton-flags:";

/** A Block Kit answer through a response_url (ephemeral; a click's may replace the message it came from). */
export interface BlockAnswer {
  readonly text: string;
  readonly blocks?: readonly Record<string, unknown>[];
  readonly response_type?: "ephemeral";
  readonly replace_original?: boolean;
}
export type RespondWithBlocks = (message: BlockAnswer) => Promise<unknown>;

export interface SafetyCommandRequest {
  readonly userId: string;
  readonly userName?: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly respond: RespondWithBlocks;
}

export interface ReviewClick extends SafetyCommandRequest {
  readonly flagId: number;
  /** The block_id of the clicked button's block: which flags the listing showed. */
  readonly blockId: string;
}

export interface SafetyCommandsOptions {
  readonly gateway: ConversationGateway;
  /** The flags and usage, read in the command's workspace. */
  readonly reads: ModeratorReads;
  /** The moderator rule of the other moderator commands (SLACK_MODERATOR_IDS, admins and owners). */
  readonly isModerator: (userId: string, options: { readonly fresh: boolean }) => Promise<boolean>;
  /** The name moderators know a user by (users.info), for "reviewed by". */
  readonly displayName: (userId: string) => Promise<string | undefined>;
  readonly commandName: string;
  readonly logger: Logger;
  readonly consoleLinks?: ConsoleLinks;
}

export class SafetyCommands {
  readonly #options: SafetyCommandsOptions;

  constructor(options: SafetyCommandsOptions) {
    this.#options = options;
  }

  get flagsCommand(): string {
    return `/${this.#options.commandName}-flags`;
  }

  get usageCommand(): string {
    return `/${this.#options.commandName}-usage`;
  }

  async flags(request: SafetyCommandRequest): Promise<void> {
    const review = await this.#review(request, false);
    if (review === undefined) return;
    const scope = scopeOf(request);
    const flags = await review.openFlags(scope, FLAGS_SHOWN);
    const link = this.#consoleLink(request);
    if (flags.length === 0) {
      await request.respond({ response_type: "ephemeral", text: NO_OPEN_FLAGS, ...(link === undefined ? {} : { blocks: [mrkdwn(NO_OPEN_FLAGS), context(link)] }) });
      return;
    }
    await request.respond({ response_type: "ephemeral", ...this.#listing(flags, request.teamDomain, link) });
  }

  async usage(request: SafetyCommandRequest): Promise<void> {
    const review = await this.#review(request, false);
    if (review === undefined) return;
    const report = await review.usage(scopeOf(request));
    const lines = usageLines(report, this.#options.gateway.agents());
    const text = ["*Usage in this workspace*", ...lines.slice(0, -1), `_${lines.at(-1)!}_`].join("\n");
    await request.respond({ response_type: "ephemeral", text });
  }

  /** A "Mark reviewed" click, acknowledged already: the rights again, then the review, then the listing replaced. */
  async review(click: ReviewClick): Promise<void> {
    // Rights as of the click, not as cached: an admin demoted since the listing is no longer a moderator.
    const review = await this.#review(click, true);
    if (review === undefined) return;
    const scope = scopeOf(click);
    // Another workspace's flag id reads as unknown: the moderator's reach is their workspace.
    if ((await review.flag(scope, click.flagId)) === undefined) {
      await click.respond({ response_type: "ephemeral", replace_original: false, text: FLAG_GONE });
      return;
    }
    const reviewer = (await this.#options.displayName(click.userId)) ?? click.userName ?? click.userId;
    const outcome = await review.markReviewed(scope, click.flagId, reviewer);
    this.#options.logger.info({ flagId: click.flagId, moderator: click.userId, outcome: outcome.kind }, "slack: flag marked reviewed");
    const ids = click.blockId.startsWith(LISTING_BLOCK) ? click.blockId.slice(LISTING_BLOCK.length).split(":")[0]!.split(",").map(Number) : [click.flagId];
    const flags = (await Promise.all(ids.map((id) => review.flag(scope, id)))).flatMap((flag) => flag ?? []);
    const answer = flags.length === 0 ? { text: NO_OPEN_FLAGS } : this.#listing(flags, click.teamDomain, undefined);
    await click.respond({ replace_original: true, ...answer });
  }

  async #review(request: SafetyCommandRequest, fresh: boolean): Promise<SafetyReview | undefined> {
    if (!(await this.#options.isModerator(request.userId, { fresh }))) {
      this.#options.logger.info({ user: request.userId }, "slack safety command refused");
      await request.respond({ response_type: "ephemeral", replace_original: false, text: REFUSAL });
      return undefined;
    }
    const review = this.#options.reads.safety;
    if (review === undefined) await request.respond({ response_type: "ephemeral", replace_original: false, text: SAFETY_OFF });
    return review;
  }

  #consoleLink(request: SafetyCommandRequest): string | undefined {
    const links = this.#options.consoleLinks;
    if (links === undefined) return undefined;
    const url = links.linkFor({ platform: SLACK_PLATFORM, workspace: request.teamId, page: "flags", moderator: { id: request.userId, name: request.userName ?? request.userId } });
    return `<${url}|Review flags in the console> _(link valid 15 minutes, once)_`;
  }

  #listing(flags: readonly FlagRow[], teamDomain: string, link: string | undefined): { text: string; blocks: Record<string, unknown>[] } {
    const open = flags.filter((flag) => flag.reviewedAt === undefined);
    const blocks: Record<string, unknown>[] = [mrkdwn("*Flags to review* (newest first)")];
    if (link !== undefined) blocks.push(context(link));
    for (const flag of flags) blocks.push(mrkdwn(flagText(flag, teamDomain)));
    if (open.length > 0) {
      blocks.push({
        type: "actions",
        // Slack wants a new block_id each time a message changes.
        block_id: `${LISTING_BLOCK}${flags.map((f) => f.id).join(",")}:${Date.now().toString(36)}`,
        elements: open.map((flag) => ({
          type: "button",
          action_id: `${REVIEW_ACTION_PREFIX}${flag.id}`,
          value: String(flag.id),
          style: "primary",
          text: { type: "plain_text", text: `Mark #${flag.id} reviewed` },
        })),
      });
    }
    return { text: `${open.length} flag${open.length === 1 ? "" : "s"} to review`, blocks };
  }
}

function flagText(flag: FlagRow, teamDomain: string): string {
  const who = flag.userName === undefined ? "a student" : escapePlainText(flag.userName);
  const thread = buildThreadLink({ teamDomain, channel: flag.key.channel, thread: flag.key.thread });
  const lines = [
    `*#${flag.id}* ${flagHeadline(flag)}`,
    `${who} in <${thread}|this thread> · ${slackDate(new Date(flag.createdAt))}`,
    `> ${escapePlainText(flagExcerpt(flag))}`,
  ];
  if (flag.reviewedAt !== undefined) lines.push(`✓ Reviewed by ${escapePlainText(flag.reviewedBy ?? "a moderator")} ${slackDate(new Date(flag.reviewedAt))}`);
  return lines.join("\n");
}

const mrkdwn = (text: string): Record<string, unknown> => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): Record<string, unknown> => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

function scopeOf(request: SafetyCommandRequest): ModeratorScope {
  return { platform: SLACK_PLATFORM, workspace: request.teamId };
}
