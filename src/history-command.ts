// `baton history [NAME] --platform P`: what NAME means on each platform, and the transcript or listing it prints.

import type { ConversationApp } from "./app/create-app.js";
import { ALL_WORKSPACES, type ReadScope } from "./bot/moderator-reads-port.js";
import type { ThreadRef } from "./bot/ports.js";
import { consoleThread } from "./platforms/console/console-chat.js";
import { transcriptView } from "./platforms/common/transcript-view.js";
import { parseThreadLink } from "./platforms/slack/thread-link.js";

/** Where NAME points: one exact thread (console), a thread id with maybe its channel, or a conversation number. */
type ThreadQuery =
  | { readonly kind: "exact"; readonly ref: ThreadRef }
  | { readonly kind: "thread"; readonly thread: string; readonly channel?: string }
  | { readonly kind: "id"; readonly conversationId: number };

/**
 * console: the conversation's name. discord: the thread's id (ids are unique across Discord), or `channel/thread` as
 * the listing prints it. slack: `channel/thread ts` as listed, or the thread's link ("Copy link"). Everywhere: `#12`,
 * the conversation number the listing shows.
 */
export function threadQuery(platform: string, name: string): ThreadQuery {
  const number = /^#(\d+)$/.exec(name);
  if (number !== null) return { kind: "id", conversationId: Number(number[1]) };
  if (platform === "console") return { kind: "exact", ref: consoleThread(name) };
  if (platform === "slack") {
    const link = parseThreadLink(name);
    if (link !== undefined) return { kind: "thread", channel: link.channel, thread: link.threadTs ?? link.channel };
  }
  const slash = name.indexOf("/");
  if (slash > 0 && slash < name.length - 1) return { kind: "thread", channel: name.slice(0, slash), thread: name.slice(slash + 1) };
  return { kind: "thread", thread: name };
}

/** The operator reads every workspace of the platform, and says so. */
export function operatorScope(platform: string): ReadScope {
  return { platform, workspace: ALL_WORKSPACES };
}

export async function formatHistory(app: ConversationApp, platform: string, name: string | undefined): Promise<string> {
  const reads = app.service.moderatorReads;
  if (name === undefined) {
    const rows = await reads.listConversations(operatorScope(platform), { limit: 50 });
    if (rows.length === 0) return `No ${platform} conversations.\n`;
    return rows
      .map((c) => `${c.updatedAt.toISOString()}  #${c.conversationId}  ${c.thread.channel}/${c.thread.thread}  ${c.messageCount} messages  ${c.activeAgent ?? ""}\n`)
      .join("");
  }
  const refs = findThreads(app, platform, threadQuery(platform, name));
  if (refs.length === 0) return `No ${platform} conversation "${name}".\n`;
  if (refs.length > 1) {
    const listed = refs.map((ref) => `  ${ref.channel}/${ref.thread}  (workspace ${ref.workspace})\n`).join("");
    return `${refs.length} ${platform} conversations match "${name}"; name one as channel/thread:\n${listed}`;
  }
  const transcript = await reads.transcript(operatorScope(platform), refs[0]!);
  if (transcript === undefined) return `No ${platform} conversation "${name}".\n`;
  const view = transcriptView(transcript);
  const lines = [`Conversation #${view.conversationId} — trail: ${view.trail.join(" → ") || "(none)"}`];
  for (const line of view.lines) {
    const at = `[${line.at.toISOString()}]`;
    if (line.kind === "handoff") lines.push(`${at} handoff ${line.from} → ${line.to}${line.reason === "" ? "" : ` (${line.reason})`}`);
    else lines.push([`${at} ${line.author}: ${line.text}`, ...line.files, ...line.flags].join("\n    "));
  }
  return `${lines.join("\n")}\n`;
}

export function findThreads(app: ConversationApp, platform: string, query: ThreadQuery): ThreadRef[] {
  switch (query.kind) {
    case "exact":
      return [query.ref];
    case "id": {
      const row = app.store.getConversation(query.conversationId);
      return row === undefined || row.key.platform !== platform ? [] : [row.key];
    }
    case "thread":
      return app.store.findConversationsInThread(platform, query.thread, query.channel).map((row) => row.key);
  }
}
