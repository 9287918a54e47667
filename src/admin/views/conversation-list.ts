// The conversations page: the filter form, the search box, and one row per conversation, newest first.

import { MATCH_END, MATCH_START, type ConversationListItem, type ConversationPage } from "../ports.js";
import { formatTime } from "../time-zone.js";
import { html, plural, query, type Html } from "./html.js";

export interface ListFilters {
  readonly q?: string;
  readonly platform?: string;
  readonly workspace?: string;
  readonly channel?: string;
  readonly student?: string;
  readonly agent?: string;
  readonly from?: string;
  readonly to?: string;
  readonly status?: string;
  readonly page: number;
}

export interface ListChoices {
  readonly platforms: readonly string[];
  readonly workspaces: readonly string[];
  readonly channels: readonly string[];
  readonly agents: readonly string[];
  readonly flags: boolean;
}

const STATUSES: ReadonlyArray<[string, string, boolean]> = [
  ["answered", "Answered", false],
  ["failed", "Failed turns", false],
  ["flagged", "Flagged", true],
  ["unreviewed", "Unreviewed flags", true],
];

function select(name: string, label: string, values: readonly string[], current: string | undefined): Html {
  return html`<label>${label}<select name="${name}"><option value="">Any</option>${values.map(
    (v) => html`<option ${v === current ? "selected" : ""}>${v}</option>`,
  )}</select></label>`;
}

/** Matched words come marked with private-use characters; everything else is escaped text. */
export function snippetHtml(snippet: string): Html {
  const parts: Html[] = [];
  const pattern = new RegExp(`${MATCH_START}([^${MATCH_END}]*)${MATCH_END}`, "g");
  let last = 0;
  for (const match of snippet.matchAll(pattern)) {
    parts.push(html`${snippet.slice(last, match.index)}`, html`<mark>${match[1]}</mark>`);
    last = match.index + match[0].length;
  }
  parts.push(html`${snippet.slice(last).replaceAll(MATCH_START, "").replaceAll(MATCH_END, "")}`);
  return html`${parts}`;
}

function row(item: ConversationListItem, timeZone: string): Html {
  return html`<li class="conversation">
  <a class="row-link" href="/conversations/${item.id}">
    <div class="row-main">
      <span class="id">#${item.id}</span>
      <span class="badge platform-${item.platform}">${item.platform}</span>
      <span class="where">${item.workspace === "" ? "" : html`${item.workspace} · `}#${item.channel}</span>
      <span class="students">${item.students.length === 0 ? "no student messages" : item.students.join(", ")}</span>
    </div>
    ${item.snippet === undefined ? "" : html`<p class="snippet">${snippetHtml(item.snippet)}</p>`}
    <div class="row-meta">
      <time datetime="${new Date(item.updatedAt).toISOString()}">${formatTime(item.updatedAt, timeZone)}</time>
      <span>${plural(item.messageCount, "message")}</span>
      ${item.activeAgent === null ? "" : html`<span>with ${item.activeAgent}</span>`}
      ${item.failedTurns > 0 ? html`<span class="badge failed">${plural(item.failedTurns, "failed turn")}</span>` : ""}
      ${item.openFlags > 0 ? html`<span class="badge flag">${plural(item.openFlags, "open flag")}</span>` : ""}
    </div>
  </a>
</li>`;
}

export function conversationListBody(options: {
  page: ConversationPage;
  filters: ListFilters;
  choices: ListChoices;
  timeZone: string;
}): Html {
  const { page, filters, choices, timeZone } = options;
  const keep = { ...filters, page: undefined };
  const statuses = STATUSES.filter(([, , needsFlags]) => !needsFlags || choices.flags);
  return html`<section class="toolbar">
  <h1>Conversations</h1>
  <form method="get" action="/conversations" class="filters" role="search">
    <label class="search">Search messages<input type="search" name="q" value="${filters.q ?? ""}" placeholder="words in any message…"></label>
    ${select("platform", "Platform", choices.platforms, filters.platform)}
    ${select("workspace", "Server / workspace", choices.workspaces, filters.workspace)}
    ${select("channel", "Channel", choices.channels, filters.channel)}
    <label>Student<input name="student" value="${filters.student ?? ""}" placeholder="name or id"></label>
    ${select("agent", "Agent", choices.agents, filters.agent)}
    <label>From<input type="date" name="from" value="${filters.from ?? ""}"></label>
    <label>To<input type="date" name="to" value="${filters.to ?? ""}"></label>
    <label>Status<select name="status"><option value="">Any</option>${statuses.map(
      ([value, label]) => html`<option value="${value}" ${filters.status === value ? "selected" : ""}>${label}</option>`,
    )}</select></label>
    <div class="actions"><button class="primary">Apply</button> <a href="/conversations">Clear</a></div>
  </form>
</section>
${page.items.length === 0
  ? html`<p class="empty card">No conversation matches${filters.q === undefined ? "" : html` “${filters.q}”`}.</p>`
  : html`<ol class="conversations">${page.items.map((item) => row(item, timeZone))}</ol>`}
<nav class="pager">
  ${filters.page > 1 ? html`<a href="/conversations${query({ ...keep, page: filters.page - 1 })}">← Newer</a>` : html`<span></span>`}
  <span class="muted">Page ${filters.page}</span>
  ${page.hasMore ? html`<a href="/conversations${query({ ...keep, page: filters.page + 1 })}">Older →</a>` : html`<span></span>`}
</nav>`;
}
