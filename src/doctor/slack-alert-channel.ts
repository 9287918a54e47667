// Doctor: SLACK_ALERT_CHANNEL exists, is not archived, and has the bot as a member, read with conversations.info.

import type { webApi } from "@slack/bolt";
import { neededScopeOf, slackErrorOf } from "../platforms/slack/errors.js";
import type { DoctorReport } from "./report.js";

const INVITE = "invite the bot there: /invite @Baton in that channel";

export async function checkSlackAlertChannel(report: DoctorReport, client: webApi.WebClient, channel: string | undefined): Promise<void> {
  if (channel === undefined) {
    report.warn(
      "SLACK_ALERT_CHANNEL is not set: safety alerts are posted nowhere (flags are still kept for the moderators' console)",
      "set it to the moderators' channel id (channel details → About, at the bottom: C…), and /invite @Baton there",
    );
    return;
  }
  let info: webApi.ConversationsInfoResponse;
  try {
    info = await client.conversations.info({ channel });
  } catch (error) {
    const slackError = slackErrorOf(error);
    if (slackError === "channel_not_found") {
      report.fail(
        `SLACK_ALERT_CHANNEL=${channel}: the bot sees no channel of that id (a private channel it is not in looks the same), so safety alerts cannot be posted`,
        `check the id (channel details → About, at the bottom), and ${INVITE}`,
      );
    } else if (slackError === "missing_scope") {
      report.warn(
        `SLACK_ALERT_CHANNEL=${channel} could not be checked: the token lacks ${neededScopeOf(error) ?? "channels:read"}`,
        "add channels:read and groups:read under OAuth & Permissions → Bot Token Scopes (slack/manifest.yml has them), then reinstall the app",
      );
    } else if (slackError !== undefined) {
      report.fail(`Slack refused to describe SLACK_ALERT_CHANNEL=${channel} (${slackError})`);
    } else throw error;
    return;
  }
  const name = `#${info.channel?.name ?? channel}`;
  if (info.channel?.is_archived === true) {
    report.fail(`SLACK_ALERT_CHANNEL=${channel}: ${name} is archived, so safety alerts cannot be posted there`, "unarchive it, or choose another channel");
  } else if (info.channel?.is_member !== true) {
    report.fail(`SLACK_ALERT_CHANNEL=${channel}: the bot is not a member of ${name}, so safety alerts cannot be posted there`, INVITE);
  } else {
    report.ok(`${name}: safety alerts can be posted there (SLACK_ALERT_CHANNEL; the bot is a member)`);
  }
}
