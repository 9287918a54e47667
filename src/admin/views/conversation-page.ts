// One conversation: the transcript (authors, times, attachments, usage, failed turns, flags), the handoff timeline,
// the workflow graph, totals and the access log.

import type { AgentPresentation } from "../../bot/ports.js";
import type { AccessRecord, ConversationDetail, FlagRecord, MessageRecord } from "../ports.js";
import { INLINE_IMAGE_TYPES } from "../http/attachment-headers.js";
import { formatTime } from "../time-zone.js";
import type { CostEstimator } from "../usage-cost.js";
import { formatCost, totals } from "../usage-cost.js";
import { agentAvatar, studentAvatar } from "./avatar.js";
import { flagCard } from "./flag-card.js";
import { html, type Html } from "./html.js";
import { workflowGraph, type GraphSpec } from "./workflow-graph.js";

export interface ConversationView {
  readonly detail: ConversationDetail;
  readonly access: readonly AccessRecord[];
  readonly agent: (name: string) => AgentPresentation;
  readonly graph: GraphSpec;
  readonly cost: CostEstimator;
  readonly timeZone: string;
  readonly csrf: string;
}

const time = (ms: number, timeZone: string): Html =>
  html`<time datetime="${new Date(ms).toISOString()}">${formatTime(ms, timeZone)}</time>`;

/** Under their message: safe raster images inline (served by /attachments/:id), every other file as a download link. */
function attachments(message: MessageRecord): Html {
  if (message.attachments.length === 0) return html``;
  return html`<div class="attachments">${message.attachments.map((a) => {
    const made = a.origin === "rendered" ? " · rendered by Baton" : "";
    return INLINE_IMAGE_TYPES.has(a.mediaType)
      ? html`<figure class="attachment"><a href="/attachments/${a.id}"><img src="/attachments/${a.id}" alt="${a.altText ?? a.name}" ${a.width === undefined ? "" : html`width="${a.width}"`} ${a.height === undefined ? "" : html`height="${a.height}"`}></a><figcaption>${a.name} · ${kib(a.bytes)}${made}</figcaption></figure>`
      : html`<a class="file attachment" href="/attachments/${a.id}" download>📎 ${a.name} <span class="muted">${a.mediaType} · ${kib(a.bytes)}${made}</span></a>`;
  })}</div>`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KiB`;
}

function usageLine(message: MessageRecord, cost: CostEstimator): Html {
  if (message.promptTokens === undefined || message.completionTokens === undefined) return html``;
  const price = cost({ promptTokens: message.promptTokens, completionTokens: message.completionTokens });
  return html`<span class="usage" title="prompt tokens · completion tokens">${message.promptTokens.toLocaleString("en-US")} in · ${message.completionTokens.toLocaleString("en-US")} out${price === undefined ? "" : html` · ${formatCost(price)}`}</span>`;
}

function messageItem(view: ConversationView, message: MessageRecord, flags: readonly FlagRecord[]): Html {
  const isUser = message.role === "user";
  const agent = isUser ? undefined : view.agent(message.authorAgent ?? "");
  const author = isUser ? (message.userName ?? message.userId ?? "student") : agent!.displayName;
  const failed = message.turnStatus === "failed";
  return html`<li class="message ${isUser ? "from-student" : "from-agent"}${failed ? " failed" : ""}${flags.length > 0 ? " flagged" : ""}" id="m${message.seq}">
  ${isUser ? studentAvatar(author) : agentAvatar(agent!)}
  <div class="bubble">
    <div class="meta"><strong class="author">${author}</strong>${isUser ? html`<span class="muted">${message.userId ?? ""}</span>` : html`<span class="muted">${message.authorAgent ?? ""}</span>`} ${time(message.createdAt, view.timeZone)} ${usageLine(message, view.cost)}</div>
    <div class="text">${message.text}</div>
    ${attachments(message)}
    ${failed ? html`<p class="turn-failed">⚠ This turn failed${message.errorCode === undefined ? "" : html` (<code>${message.errorCode}</code>)`}: the student got an apology, no answer.</p>` : ""}
    ${message.turnStatus === "pending" ? html`<p class="turn-pending">… still being answered</p>` : ""}
    ${flags.map((flag) => flagCard(flag, { csrf: view.csrf, timeZone: view.timeZone, back: `/conversations/${view.detail.id}` }))}
  </div>
</li>`;
}

function handoffItem(view: ConversationView, handoff: ConversationDetail["handoffs"][number]): Html {
  return html`<li class="handoff-marker"><span>↪ ${view.agent(handoff.from).displayName} handed over to <strong>${view.agent(handoff.to).displayName}</strong>${handoff.reason === "" ? "" : html` — “${handoff.reason}”`}</span></li>`;
}

/** Messages in order, each followed by the handoffs it made; handoffs whose message is gone keep their place by time. */
function transcript(view: ConversationView): Html {
  const { detail } = view;
  const byMessage = new Map<number, ConversationDetail["handoffs"][number][]>();
  const loose: ConversationDetail["handoffs"][number][] = [];
  for (const h of detail.handoffs) {
    if (h.messageId === undefined) loose.push(h);
    else byMessage.set(h.messageId, [...(byMessage.get(h.messageId) ?? []), h]);
  }
  const flagsOf = new Map<number, FlagRecord[]>();
  for (const f of detail.flags) if (f.messageId !== undefined) flagsOf.set(f.messageId, [...(flagsOf.get(f.messageId) ?? []), f]);
  const items: Html[] = [];
  for (const message of detail.messages) {
    while (loose.length > 0 && loose[0]!.createdAt <= message.createdAt) items.push(handoffItem(view, loose.shift()!));
    const visible = message.role === "user" || (message.role === "assistant" && (message.text !== "" || message.attachments.length > 0));
    if (visible) items.push(messageItem(view, message, flagsOf.get(message.id) ?? []));
    for (const h of byMessage.get(message.id) ?? []) items.push(handoffItem(view, h));
  }
  for (const h of loose) items.push(handoffItem(view, h));
  return html`<ol class="transcript">${items}</ol>`;
}

function timeline(view: ConversationView): Html {
  const { detail } = view;
  if (detail.handoffs.length === 0) return html`<p class="muted">No handoffs: one agent answered throughout.</p>`;
  return html`<ol class="timeline">${detail.handoffs.map(
    (h) => html`<li><span class="dot"></span><div>${time(h.createdAt, view.timeZone)}<br><strong>${view.agent(h.from).displayName}</strong> → <strong>${view.agent(h.to).displayName}</strong>${h.reason === "" ? "" : html`<br><span class="muted">${h.reason}</span>`}</div></li>`,
  )}</ol>`;
}

function accessLog(view: ConversationView): Html {
  if (view.access.length === 0) return html`<p class="muted">No one has opened it in the console yet.</p>`;
  return html`<ul class="access">${view.access.map(
    (a) => html`<li>${time(a.at, view.timeZone)} <strong>${a.actorName}</strong> <span class="muted">${a.actorId}</span> · ${a.action} <span class="muted">(${a.scope})</span></li>`,
  )}</ul>`;
}

export function conversationBody(view: ConversationView): Html {
  const { detail } = view;
  const sum = totals(detail.messages);
  const cost = sum.promptTokens + sum.completionTokens === 0 ? undefined : view.cost(sum);
  const failedTurns = detail.messages.filter((m) => m.turnStatus === "failed").length;
  const openFlags = detail.flags.filter((f) => f.reviewedAt === undefined && f.action !== "unchecked").length;
  const usedAgents = new Set(detail.messages.flatMap((m) => (m.role === "assistant" && m.authorAgent !== undefined ? [m.authorAgent] : [])));
  for (const h of detail.handoffs) usedAgents.add(h.from).add(h.to);
  const usedEdges = new Set(detail.handoffs.map((h) => `${h.from}>${h.to}`));
  const unplaced = detail.flags.filter((f) => f.messageId === undefined);
  return html`<section class="conversation-head">
  <div>
    <p class="crumbs"><a href="/conversations">Conversations</a> / #${detail.id}</p>
    <h1>Conversation #${detail.id}</h1>
    <p class="muted"><span class="badge platform-${detail.platform}">${detail.platform}</span> ${detail.workspace === "" ? "" : html`${detail.workspace} · `}#${detail.channel} · thread ${detail.thread} · started ${time(detail.createdAt, view.timeZone)} · last activity ${time(detail.updatedAt, view.timeZone)}</p>
  </div>
  <div class="export">
    <a class="button" href="/conversations/${detail.id}/export.md" download>Export Markdown</a>
    <a class="button" href="/conversations/${detail.id}/export.json" download>Export JSON</a>
  </div>
</section>
<section class="stats">
  <div class="stat"><span class="value">${detail.messages.filter((m) => m.role === "user" || (m.role === "assistant" && m.text !== "")).length}</span><span class="label">messages</span></div>
  <div class="stat"><span class="value">${(sum.promptTokens + sum.completionTokens).toLocaleString("en-US")}</span><span class="label">tokens (${sum.promptTokens.toLocaleString("en-US")} in · ${sum.completionTokens.toLocaleString("en-US")} out)</span></div>
  <div class="stat"><span class="value">${cost === undefined ? "—" : formatCost(cost)}</span><span class="label">estimated cost</span></div>
  <div class="stat${failedTurns > 0 ? " bad" : ""}"><span class="value">${failedTurns}</span><span class="label">failed turns</span></div>
  <div class="stat${openFlags > 0 ? " warn" : ""}"><span class="value">${openFlags}</span><span class="label">open flags</span></div>
</section>
<div class="columns">
  <section class="card transcript-card">
    <h2>Transcript</h2>
    ${unplaced.length === 0 ? "" : html`<div class="unplaced">${unplaced.map((f) => flagCard(f, { csrf: view.csrf, timeZone: view.timeZone, back: `/conversations/${detail.id}` }))}</div>`}
    ${transcript(view)}
  </section>
  <aside>
    <section class="card"><h2>Handoff timeline</h2>${timeline(view)}</section>
    <section class="card"><h2>Workflow</h2>${workflowGraph(view.graph, { agents: usedAgents, edges: usedEdges })}<p class="muted small">Highlighted: the agents and handoffs of this conversation.</p></section>
    <section class="card"><h2>Access log</h2>${accessLog(view)}</section>
  </aside>
</div>`;
}

