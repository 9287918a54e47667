// Whether replies can carry each agent's name and icon (chat:write.customize), and how a reply shows its agent either way.

import type { Logger } from "pino";
import type { AgentPresentation } from "../../bot/ports.js";
import { escapePlainText } from "./mrkdwn.js";

export const CUSTOMIZE_SCOPE = "chat:write.customize";

/** The chat.postMessage fields that show a message as written by the agent. */
export type AgentAuthorship =
  | { readonly username: string; readonly icon_emoji: string }
  | { readonly username: string; readonly icon_url: string }
  | { readonly username: string };

/** Slack's icon_emoji takes a shortcode (":compass:"); a bare name is accepted too, a Unicode emoji is not. */
function emojiShortcode(emoji: string | undefined): string | undefined {
  const value = emoji?.trim() ?? "";
  if (/^:[a-z0-9_+'-]+:$/i.test(value)) return value.toLowerCase();
  if (/^[a-z0-9_+'-]+$/i.test(value)) return `:${value.toLowerCase()}:`;
  return undefined;
}

/**
 * The agent's name and icon. With both an emoji and an avatar URL the emoji is used, as Slack would (icon_emoji
 * overrides icon_url), and it does not depend on an outside image host.
 */
export function authorshipOf(agent: AgentPresentation): AgentAuthorship {
  const username = agent.displayName.trim() === "" ? agent.name : agent.displayName.trim();
  const emoji = emojiShortcode(agent.emoji);
  if (emoji !== undefined) return { username, icon_emoji: emoji };
  if (agent.avatarUrl !== undefined && /^https?:\/\//i.test(agent.avatarUrl)) return { username, icon_url: agent.avatarUrl };
  return { username };
}

/** The bold name line put before a reply when Slack will not show the agent's name as the author. */
export function namePrefix(agent: AgentPresentation): string {
  const name = (agent.displayName.trim() === "" ? agent.name : agent.displayName).replace(/[*_~`]/g, "").trim();
  return `*${escapePlainText(name)}*\n`;
}

/**
 * Tracks whether the bot token has chat:write.customize. Slack does not refuse `username` without the scope, it
 * silently posts under the app's own name; so the scopes Slack reports on every answer (`x-oauth-scopes`) are
 * what decide, and an explicit missing_scope answer does too. A warning is logged the first time names fall back.
 */
export class AgentIdentityMode {
  #customize = true;
  #warned = false;
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get canCustomize(): boolean {
    return this.#customize;
  }

  /** Learns from the scopes a Web API answer listed (undefined when the answer did not say). */
  learnScopes(scopes: readonly string[] | undefined): void {
    if (scopes === undefined || scopes.length === 0) return;
    if (scopes.includes(CUSTOMIZE_SCOPE)) this.#customize = true;
    else this.#fallBack("the bot token's scopes do not include it");
  }

  /** Slack answered missing_scope to a message that set a username. */
  learnMissingScope(): void {
    this.#fallBack("Slack answered missing_scope");
  }

  #fallBack(why: string): void {
    this.#customize = false;
    if (this.#warned) return;
    this.#warned = true;
    this.#logger.warn(
      { scope: CUSTOMIZE_SCOPE, why },
      `Slack app lacks ${CUSTOMIZE_SCOPE}: replies show the agent's name in bold instead of as the author. Add the scope and reinstall the app.`,
    );
  }
}
