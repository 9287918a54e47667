// Moderator views as Slack mrkdwn: one conversation's transcript with its handoff trail, or a channel's recent conversations.

import type { ConversationSummary, Transcript } from "../../bot/moderator-reads-port.js";
import { transcriptView, type TranscriptLine } from "../common/transcript-view.js";
import { escapePlainText, markdownToMrkdwn } from "./mrkdwn.js";
import { buildThreadLink } from "./thread-link.js";

/** Slack renders <!date^…> in the reader's own time zone; the fallback (UTC) shows where it cannot. */
export function slackDate(at: Date, format = "{date_short_pretty} {time}"): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}

/**
 * Quotes already-formatted mrkdwn line by line. Code blocks stay unquoted: a quoted fence is no fence, and the
 * splitter must still see them to close and reopen a block it cuts.
 */
function quote(mrkdwn: string): string {
  let inCode = false;
  return mrkdwn
    .split("\n")
    .map((line) => {
      if (line.trim() === "```") {
        inCode = !inCode;
        return line;
      }
      if (inCode) return line;
      return line === "" ? ">" : `> ${line}`;
    })
    .join("\n");
}

function lineText(line: TranscriptLine): string {
  if (line.kind === "handoff") {
    const reason = line.reason === "" ? "" : `: ${escapePlainText(line.reason)}`;
    return `↪ _handoff_ ${escapePlainText(line.from)} → ${escapePlainText(line.to)}${reason} · ${slackDate(line.at, "{time_secs}")}`;
  }
  const who =
    line.role === "user"
      ? `*${escapePlainText(line.author)}* (<@${line.authorId}>)`
      : `*${escapePlainText(line.author)}* (${escapePlainText(line.authorId)})`;
  // Students' words are shown as written; agents' words were Markdown and are converted as in the thread.
  const body = line.role === "user" ? escapePlainText(line.text) : markdownToMrkdwn(line.text);
  const marks = [...line.files.map((file) => `\n${escapePlainText(file)}`), ...line.flags.map((flag) => `\n_${escapePlainText(flag)}_`)].join("");
  return `${who} · ${slackDate(line.at, "{time_secs}")}\n${quote(body)}${marks}`;
}

export interface TranscriptFormatOptions {
  readonly transcript: Transcript;
  readonly teamDomain: string;
}

/** The whole transcript as mrkdwn; long ones are split by the caller. */
export function formatTranscript(options: TranscriptFormatOptions): string {
  const view = transcriptView(options.transcript);
  const link = buildThreadLink({ teamDomain: options.teamDomain, ...view.thread });
  const trail = view.trail.length > 0 ? view.trail.map(escapePlainText).join(" → ") : "(none)";
  const header = [
    `*Conversation #${view.conversationId}* in <#${view.thread.channel}> · <${link}|open thread>`,
    `Started ${slackDate(view.startedAt)} · active agent: ${escapePlainText(view.activeAgent ?? "none")}`,
    `Handoff trail: ${trail}`,
  ].join("\n");
  if (view.lines.length === 0) return `${header}\n\n_No messages stored._`;
  return [header, ...view.lines.map(lineText)].join("\n\n");
}

/** The channel's recent conversations, newest first, with links a moderator can pass back to the history command. */
export function formatConversationList(options: {
  readonly conversations: readonly ConversationSummary[];
  readonly teamDomain: string;
  readonly channel: string;
  readonly historyCommand: string;
}): string {
  const { conversations } = options;
  if (conversations.length === 0) return `No conversations stored for <#${options.channel}>.`;
  const lines = conversations.map((summary) => {
    const link = buildThreadLink({ teamDomain: options.teamDomain, ...summary.thread });
    const agent = summary.activeAgent === null ? "" : ` · ${escapePlainText(summary.activeAgent)}`;
    const count = `${summary.messageCount} message${summary.messageCount === 1 ? "" : "s"}`;
    return `• <${link}|#${summary.conversationId}> · ${count}${agent} · updated ${slackDate(summary.updatedAt)}`;
  });
  return [
    `*Recent conversations in <#${options.channel}>*`,
    ...lines,
    `_For a transcript: \`${options.historyCommand} <thread link>\`_`,
  ].join("\n");
}
