// Avatars: an agent's emoji (its Slack code shown as the character) over which its avatar image loads, if it can.

import type { AgentPresentation } from "../../bot/ports.js";
import { html, type Html } from "./html.js";

/** The codes Baton's rosters use most; any other code shows the agent's initial instead. */
const EMOJI: Record<string, string> = {
  ":compass:": "🧭",
  ":triangular_ruler:": "📐",
  ":straight_ruler:": "📏",
  ":scroll:": "📜",
  ":books:": "📚",
  ":book:": "📖",
  ":abacus:": "🧮",
  ":test_tube:": "🧪",
  ":microscope:": "🔬",
  ":earth_africa:": "🌍",
  ":globe_with_meridians:": "🌐",
  ":teacher:": "🧑‍🏫",
  ":robot_face:": "🤖",
  ":pencil:": "📝",
  ":memo:": "📝",
  ":bulb:": "💡",
  ":art:": "🎨",
  ":musical_note:": "🎵",
  ":computer:": "💻",
};

export function emojiOf(code: string | undefined): string | undefined {
  return code === undefined ? undefined : EMOJI[code];
}

function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? "?";
}

/** A stable hue per name, so each student keeps one colour (a CSS class, since the CSP forbids style attributes). */
function tone(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 8;
}

export function agentAvatar(agent: AgentPresentation): Html {
  const glyph = emojiOf(agent.emoji) ?? initial(agent.displayName);
  // If the image cannot load (offline, blocked): an empty alt lets Firefox draw nothing, so the emoji shows through;
  // Chromium draws a broken-image icon, but also a broken image's ::after, which the stylesheet fills with data-glyph.
  return html`<span class="avatar agent tone-${tone(agent.name)}" aria-hidden="true">${glyph}${agent.avatarUrl === undefined
    ? ""
    : html`<img src="${agent.avatarUrl}" alt="" data-glyph="${glyph}" loading="lazy" referrerpolicy="no-referrer">`}</span>`;
}

export function studentAvatar(name: string): Html {
  return html`<span class="avatar student tone-${tone(name)}" aria-hidden="true">${initial(name)}</span>`;
}
