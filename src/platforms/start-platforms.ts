// Starts the platform adapters whose credentials are configured (Discord, Slack, or both in one process).

import type { Logger } from "pino";
import type { ConversationApp } from "../app.js";
import type { Settings } from "../config/env.js";
import { UserError } from "../workflow/errors.js";

export interface RunningPlatforms {
  stop(): Promise<void>;
}

export async function startPlatforms(options: { settings: Settings; app: ConversationApp; logger: Logger }): Promise<RunningPlatforms> {
  const { settings } = options;
  if (settings.env.DISCORD_TOKEN === undefined && settings.env.SLACK_BOT_TOKEN === undefined) {
    throw new UserError("Set DISCORD_TOKEN and/or SLACK_BOT_TOKEN to run the bots.", { code: "configuration" });
  }
  throw new UserError("The Discord and Slack adapters are not in this build yet.", { code: "configuration" });
}
