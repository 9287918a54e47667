// A conversation as Markdown or JSON: what the console's export buttons download and `history --format` prints.

import type { AgentPresentation } from "../bot/ports.js";
import type { ConversationDetail } from "./ports.js";
import { totals, type CostEstimator } from "./usage-cost.js";

export type ExportFormat = "md" | "json";

export interface ExportOptions {
  readonly agent: (name: string) => AgentPresentation;
  readonly cost: CostEstimator;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Stable field names; times are ISO 8601 UTC. Tool messages are left out (they are the engine's bookkeeping). */
export function conversationJson(detail: ConversationDetail, options: ExportOptions): object {
  const sum = totals(detail.messages);
  return {
    format: "baton.conversation/1",
    conversation: {
      id: detail.id,
      platform: detail.platform,
      workspace: detail.workspace,
      channel: detail.channel,
      thread: detail.thread,
      activeAgent: detail.activeAgent,
      createdAt: iso(detail.createdAt),
      updatedAt: iso(detail.updatedAt),
    },
    messages: detail.messages
      .filter((m) => m.role === "user" || m.role === "assistant")
      .map((m) => ({
        seq: m.seq,
        role: m.role,
        author: m.role === "user" ? (m.userName ?? m.userId ?? null) : options.agent(m.authorAgent ?? "").displayName,
        ...(m.role === "user" ? { userId: m.userId ?? null } : { agent: m.authorAgent ?? null }),
        text: m.text,
        createdAt: iso(m.createdAt),
        ...(m.promptTokens !== undefined && { usage: { promptTokens: m.promptTokens, completionTokens: m.completionTokens ?? 0 } }),
        ...(m.turnStatus !== undefined && { turnStatus: m.turnStatus }),
        ...(m.errorCode !== undefined && { errorCode: m.errorCode }),
        ...(m.attachments.length > 0 && {
          attachments: m.attachments.map((a) => ({
            id: a.id,
            name: a.name,
            mediaType: a.mediaType,
            bytes: a.bytes,
            origin: a.origin,
            ...(a.width !== undefined && a.height !== undefined && { width: a.width, height: a.height }),
            ...(a.altText !== undefined && { altText: a.altText }),
          })),
        }),
      })),
    handoffs: detail.handoffs.map((h) => ({ from: h.from, to: h.to, reason: h.reason, createdAt: iso(h.createdAt) })),
    flags: detail.flags.map((f) => ({
      id: f.id,
      severity: f.severity,
      categories: f.categories,
      action: f.action,
      source: f.source,
      text: f.excerpt,
      createdAt: iso(f.createdAt),
      reviewedBy: f.reviewedBy ?? null,
      reviewedAt: f.reviewedAt === undefined ? null : iso(f.reviewedAt),
    })),
    usage: { ...sum, totalTokens: sum.promptTokens + sum.completionTokens, estimatedCostUsd: options.cost(sum) ?? null },
  };
}

/**
 * Quotes every line of a message so Markdown in it cannot break the document's structure, and escapes `&` and `<` so
 * a renderer that passes HTML through shows a message's `<script>` instead of running it.
 */
function quote(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .split("\n")
    .map((line) => `> ${line}`.trimEnd())
    .join("\n");
}

/** A name inline in Markdown: its punctuation escaped so it cannot become a link, an image, emphasis or HTML. */
function inlineText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/[\\`*_[\]!|~]/g, "\\$&");
}

export function conversationMarkdown(detail: ConversationDetail, options: ExportOptions): string {
  const sum = totals(detail.messages);
  const cost = sum.promptTokens + sum.completionTokens === 0 ? undefined : options.cost(sum);
  const lines = [
    `# Conversation #${detail.id}`,
    "",
    `- Platform: ${detail.platform}${detail.workspace === "" ? "" : ` (${detail.workspace})`}`,
    `- Channel: ${detail.channel}, thread ${detail.thread}`,
    `- Started: ${iso(detail.createdAt)}; last activity: ${iso(detail.updatedAt)}`,
    `- Tokens: ${sum.promptTokens + sum.completionTokens} (${sum.promptTokens} prompt, ${sum.completionTokens} completion)${cost === undefined ? "" : `; estimated cost $${cost.toFixed(4)}`}`,
  ];
  if (detail.handoffs.length > 0) {
    lines.push(`- Handoffs: ${detail.handoffs.map((h) => `${h.from} → ${h.to}`).join(", ")}`);
  }
  lines.push("", "## Transcript", "");
  const handoffsOf = new Map<number, ConversationDetail["handoffs"][number][]>();
  for (const h of detail.handoffs) if (h.messageId !== undefined) handoffsOf.set(h.messageId, [...(handoffsOf.get(h.messageId) ?? []), h]);
  for (const m of detail.messages) {
    if (m.role === "user" || (m.role === "assistant" && m.text !== "")) {
      const author = m.role === "user" ? `${m.userName ?? m.userId ?? "student"} (student)` : options.agent(m.authorAgent ?? "").displayName;
      const usage = m.promptTokens === undefined ? "" : ` · ${m.promptTokens} in / ${m.completionTokens ?? 0} out`;
      lines.push(`**${author}** · ${iso(m.createdAt)}${usage}`, "", quote(m.text), "");
      for (const a of m.attachments) {
        const made = a.origin === "rendered" ? ", rendered by Baton" : "";
        const size = a.width === undefined || a.height === undefined ? "" : `, ${a.width}×${a.height}`;
        lines.push(`- attachment #${a.id}: ${inlineText(a.name)} (${a.mediaType}, ${a.bytes} bytes${size}${made})`);
      }
      if (m.attachments.length > 0) lines.push("");
      if (m.turnStatus === "failed") lines.push(`_Turn failed${m.errorCode === undefined ? "" : ` (${m.errorCode})`}._`, "");
      for (const f of detail.flags.filter((flag) => flag.messageId === m.id)) {
        lines.push(`_Flag #${f.id}: ${f.severity}, ${f.categories.join(", ")}, ${f.action}${f.reviewedAt === undefined ? "" : `, reviewed by ${f.reviewedBy ?? "?"}`}._`, "");
      }
    }
    for (const h of handoffsOf.get(m.id) ?? []) {
      lines.push(`_Handoff: ${h.from} → ${h.to}${h.reason === "" ? "" : ` (${h.reason})`} · ${iso(h.createdAt)}_`, "");
    }
  }
  const loose = detail.flags.filter((f) => f.messageId === undefined);
  if (loose.length > 0) {
    lines.push("## Flags on blocked messages", "");
    for (const f of loose) lines.push(`- #${f.id} ${f.severity}, ${f.categories.join(", ")}, ${f.action}: ${f.excerpt.replace(/\s+/g, " ")}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
