// The environment of a bot run as a child process (discord-service-child.ts, slack-service-child.ts) against the fakes.

import { join } from "node:path";
import type { FakeDiscord } from "./fake-discord/index.js";
import type { FakeSlack } from "./fake-slack/index.js";

type Env = Record<string, string>;
/** What every child takes; DB is its database file, read back by the tests. */
type ChildEnv = Env & { readonly DB: string };

/** The Discord child on `dir`'s database, the fake model at `model` and the fake Discord; `extra` adds or overrides. */
export function discordChildEnv(dir: string, model: { readonly url: string }, discord: FakeDiscord, extra: Env = {}): ChildEnv {
  return {
    DB: join(dir, "baton.db"),
    MODEL_URL: model.url,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_GUILD_ID: discord.guildId,
    ...extra,
  };
}

/** The Slack child likewise; `extra` names the receiver (SLACK_SIGNING_SECRET for HTTP, SLACK_APP_TOKEN for Socket Mode). */
export function slackChildEnv(dir: string, model: { readonly url: string }, slack: FakeSlack, extra: Env): ChildEnv {
  return { DB: join(dir, "baton.db"), MODEL_URL: model.url, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.identity.botToken, ...extra };
}
