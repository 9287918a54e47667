// Slack message text → the plain text a model should read: the bot's own mention removed, links and entities decoded.

import { cleanText } from "../../bot/input.js";

/** Slack's angle-bracket sequences: <@U…>, <#C…|name>, <!here>, <!subteam^S…|@team>, <url|label>. */
const ANGLE = /<([^<>]*)>/g;

export interface PlainTextOptions {
  /** The bot's user id: mentions of it are addressing, not content, and are removed. */
  readonly botUserId?: string;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function renderAngle(inner: string, botUserId: string | undefined): string {
  const [target = "", label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    if (id === botUserId) return "";
    return `@${label ?? id}`;
  }
  if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
  if (target.startsWith("!")) {
    const keyword = target.slice(1);
    if (label !== undefined) return label;
    if (keyword.startsWith("subteam^")) return `@${keyword.slice("subteam^".length)}`;
    return `@${keyword}`;
  }
  // Entities are decoded once, over the whole text, after this replacement.
  const address = target.replace(/^mailto:/, "");
  if (label === undefined || label === target || label === address) return address;
  return `${label} (${target})`;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * Slack sends `&`, `<` and `>` as entities and wraps mentions and links in angle brackets. The model gets what
 * the student saw: `@name`, `#channel`, `label (url)`, and the literal characters.
 */
export function slackTextToPlain(text: string, options: PlainTextOptions = {}): string {
  const bot = options.botUserId;
  // The mention and the space after it go together, so "<@B> what is x" reads "what is x".
  const withoutBot =
    bot === undefined ? text : text.replace(new RegExp(`<@${bot.replace(/\W/g, "")}(?:\\|[^>]*)?>[ \\t]*`, "g"), "");
  const replaced = withoutBot.replace(ANGLE, (_m, inner: string) => renderAngle(inner, bot));
  // Cleaned as the service will: text of zero-width characters only is "" here too (no root message, no turn).
  return cleanText(decodeEntities(replaced));
}

/** Whether the text mentions the given user (e.g. the bot) with Slack's `<@U…>` syntax. */
export function mentionsUser(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}
