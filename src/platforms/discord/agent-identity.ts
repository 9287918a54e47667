// How an agent appears on Discord: a webhook username and avatar Discord accepts, or a bold name for the fallback.

import { escapeMarkdown } from "discord.js";
import type { AgentPresentation } from "../../bot/ports.js";

/** Discord refuses webhook usernames longer than this. */
const NAME_LIMIT = 80;
/** Discord refuses webhook usernames containing these words (any case). */
const FORBIDDEN_WORDS = /discord|clyde/gi;

export interface WebhookIdentity {
  readonly username: string;
  readonly avatarURL?: string;
}

/**
 * The username and avatar to post an agent's reply with. Words Discord forbids are dropped and the name is cut to
 * 80 characters, so a display name like "Discord Helper" cannot make every reply fail; a bad avatar URL is left out.
 */
export function webhookIdentity(agent: AgentPresentation): WebhookIdentity {
  const username = nameOf(agent, (name) => name.replace(FORBIDDEN_WORDS, ""));
  const avatarURL = isHttpUrl(agent.avatarUrl) ? agent.avatarUrl : undefined;
  return avatarURL === undefined ? { username } : { username, avatarURL };
}

/** A name Discord accepts for a webhook (e.g. the one the bot creates per channel), "Baton" when nothing is left. */
export function webhookName(name: string): string {
  const cleaned = cutToLimit(name.replace(FORBIDDEN_WORDS, "").replace(/\s+/g, " ").trim());
  return cleaned === "" ? "Baton" : cleaned;
}

/** The line put in front of a reply when the bot must post as itself (no Manage Webhooks permission). */
export function fallbackHeader(agent: AgentPresentation): string {
  return `**${escapeMarkdown(nameOf(agent, (name) => name))}**`;
}

/** The display name, else the agent's name, cleaned, on one line and at most 80 characters. */
function nameOf(agent: AgentPresentation, clean: (name: string) => string): string {
  for (const candidate of [agent.displayName, agent.name]) {
    const name = cutToLimit(clean(candidate).replace(/\s+/g, " ").trim());
    if (name !== "") return name;
  }
  return "Tutor";
}

function cutToLimit(name: string): string {
  let kept = "";
  // Whole code points only, so an emoji at the limit is dropped rather than halved.
  for (const point of name) {
    if (kept.length + point.length > NAME_LIMIT) break;
    kept += point;
  }
  return kept.trim();
}

function isHttpUrl(value: string | undefined): value is string {
  if (value === undefined) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
