// Moderator views as Slack mrkdwn: one conversation's transcript with its handoff trail, or a channel's recent conversations.

import type { ConversationSummary, Transcript, TranscriptEntry } from "../../bot/moderator-reads-port.js";
import { attachmentMark } from "../../bot/transcript-attachments.js";
import { flagMark } from "../../bot/transcript-flags.js";
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

function entryText(entry: TranscriptEntry): string {
  if (entry.kind === "handoff") {
    const reason = entry.reason.trim() === "" ? "" : `: ${escapePlainText(entry.reason)}`;
    return `↪ _handoff_ ${escapePlainText(entry.from)} → ${escapePlainText(entry.to)}${reason} · ${slackDate(entry.at, "{time_secs}")}`;
  }
  const who =
    entry.role === "user"
      ? `*${escapePlainText(entry.author)}* (<@${entry.authorId}>)`
      : `*${escapePlainText(entry.author)}* (${escapePlainText(entry.authorId)})`;
  // Students' words are shown as written; agents' words were Markdown and are converted as in the thread.
  const body = entry.role === "user" ? escapePlainText(entry.text) : markdownToMrkdwn(entry.text);
  const files = (entry.attachments ?? []).map((file) => `\n${escapePlainText(attachmentMark(file))}`).join("");
  const marks = files + entry.flags.map((flag) => `\n_${escapePlainText(flagMark(flag))}_`).join("");
  return `${who} · ${slackDate(entry.at, "{time_secs}")}\n${quote(body)}${marks}`;
}

export interface TranscriptView {
  readonly transcript: Transcript;
  readonly teamDomain: string;
}

/** The whole transcript as mrkdwn; long ones are split by the caller. */
export function formatTranscript(view: TranscriptView): string {
  const { transcript } = view;
  const link = buildThreadLink({ teamDomain: view.teamDomain, ...transcript.thread });
  const trail = transcript.trail.length > 0 ? transcript.trail.map(escapePlainText).join(" → ") : "(none)";
  const header = [
    `*Conversation #${transcript.conversationId}* in <#${transcript.thread.channel}> · <${link}|open thread>`,
    `Started ${slackDate(transcript.startedAt)} · active agent: ${escapePlainText(transcript.activeAgent ?? "none")}`,
    `Handoff trail: ${trail}`,
  ].join("\n");
  if (transcript.entries.length === 0) return `${header}\n\n_No messages stored._`;
  return [header, ...transcript.entries.map(entryText)].join("\n\n");
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
