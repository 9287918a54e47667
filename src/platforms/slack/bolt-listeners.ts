// Bolt listeners: each acknowledges Slack at once and hands the delivery to the adapter's entry points.

import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { Logger } from "pino";
import type { InFlightWork } from "../common/in-flight.js";
import type { ConversationEntry, EventDelivery } from "./conversation-entry.js";
import type { ModerationCommands, ModerationRequest } from "./moderation-commands.js";
import { REVIEW_ACTION, REVIEW_ACTION_PREFIX, type RespondWithBlocks, type SafetyCommandRequest, type SafetyCommands } from "./safety-commands.js";
import { readMessageEvent } from "./slack-events.js";

export interface ListenerDependencies {
  readonly entry: ConversationEntry;
  readonly moderation: ModerationCommands;
  readonly safety: SafetyCommands;
  readonly work: InFlightWork;
  /** The student command without the slash. */
  readonly commandName: string;
  /** The bot's workspace, for the rare delivery that names none. */
  readonly teamId: string;
  readonly logger: Logger;
}

/** The envelope's event_id travels with the event: Slack repeats it on retries, which is how they are dropped. */
function toDelivery(body: { team_id?: string; event_id?: string }, contextTeam: string | undefined, event: unknown, teamId: string): EventDelivery | undefined {
  const read = readMessageEvent(event);
  if (read === undefined) return undefined;
  return {
    teamId: contextTeam ?? body.team_id ?? teamId,
    eventId: body.event_id ?? `message:${read.channel}:${read.ts}`,
    event: read,
  };
}

/**
 * Slack is answered when a listener returns (the HTTP receiver runs with processBeforeResponse; the Socket Mode
 * receiver defers Bolt's ack until processing settles): a student's event or
 * command returns once it is stored, so a crash after the 200 cannot lose it, but never later than STORE_BEFORE_ACK_MS
 * (a locked database must not cost Slack's three seconds; the event then waits in memory). Nothing here awaits the
 * model: the entry points start background work.
 */
/** The longest a Slack acknowledgement waits for the event to be stored (Slack gives up, and retries, after 3 s). */
export const STORE_BEFORE_ACK_MS = 1_500;

async function storedOrLate(stored: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, STORE_BEFORE_ACK_MS)));
  await Promise.race([stored, late]);
  clearTimeout(timer);
}

export function registerListeners(app: App, deps: ListenerDependencies): void {
  const { entry, moderation, work } = deps;
  app.error(async (error) => {
    deps.logger.error({ err: error }, "slack listener failed");
  });

  app.event("message", async ({ body, event, context }) => {
    const delivery = toDelivery(body, context.teamId, event, deps.teamId);
    if (delivery !== undefined) await storedOrLate(entry.onMessage(delivery));
  });
  app.event("app_mention", async ({ body, event, context }) => {
    const delivery = toDelivery(body, context.teamId, event, deps.teamId);
    if (delivery !== undefined) await storedOrLate(entry.onMention(delivery));
  });

  app.command(`/${deps.commandName}`, async ({ command, ack, respond }) => {
    await ack();
    const stored = entry.onCommand({
      teamId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      userName: command.user_name,
      text: command.text,
      triggerId: command.trigger_id,
      respond,
    });
    await storedOrLate(stored);
  });

  const moderatorCommand = (name: string, run: (request: ModerationRequest) => Promise<void>): void => {
    app.command(name, async ({ command, ack, respond }) => {
      await ack();
      const request: ModerationRequest = {
        userId: command.user_id,
        userName: command.user_name,
        teamId: command.team_id,
        teamDomain: command.team_domain,
        channelId: command.channel_id,
        text: command.text,
        respond,
      };
      work.run(name, () => run(request));
    });
  };
  moderatorCommand(moderation.historyCommand, (request) => moderation.history(request));
  moderatorCommand(moderation.forgetCommand, (request) => moderation.forget(request));
  moderatorCommand(moderation.handbackCommand, (request) => moderation.handback(request));

  const { safety } = deps;
  const safetyCommand = (name: string, run: (request: SafetyCommandRequest) => Promise<void>): void => {
    app.command(name, async ({ command, ack, respond }) => {
      await ack();
      const request: SafetyCommandRequest = {
        userId: command.user_id,
        userName: command.user_name,
        teamId: command.team_id,
        teamDomain: command.team_domain,
        respond: respond as RespondWithBlocks,
      };
      work.run(name, () => run(request));
    });
  };
  safetyCommand(safety.flagsCommand, (request) => safety.flags(request));
  safetyCommand(safety.usageCommand, (request) => safety.usage(request));

  // A "Mark reviewed" click: acknowledged within Slack's three seconds, the review done after, through response_url.
  app.action<BlockAction<ButtonAction>>(REVIEW_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const teamId = body.team?.id ?? deps.teamId;
    work.run("flag review", () =>
      safety.review({
        userId: body.user.id,
        ...(body.user.name === undefined ? {} : { userName: body.user.name }),
        teamId,
        teamDomain: body.team?.domain ?? "",
        flagId: Number(action.action_id.slice(REVIEW_ACTION_PREFIX.length)),
        blockId: action.block_id,
        respond: respond as RespondWithBlocks,
      }),
    );
  });
}
