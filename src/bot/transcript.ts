// Turns a stored conversation into what a moderator reads: who said what, when, and the trail of handoffs.

import type { FlagRow } from "./store-records.js";
import type { AttachmentInfo, StoredTranscript } from "./transcript-records.js";
import type { AgentPresentation } from "./ports.js";
import type { Transcript, TranscriptAttachment, TranscriptEntry, TranscriptFlag } from "./moderator-reads-port.js";

/** A stored flag as a transcript shows it. */
function transcriptFlag(flag: FlagRow): TranscriptFlag {
  const categories = Object.fromEntries(Object.entries(flag.categories).sort(([, a], [, b]) => b - a));
  return { id: flag.id, action: flag.action, severity: flag.severity, categories, reviewed: flag.reviewedAt !== undefined };
}

/**
 * A flag with no stored message of its own (a blocked student message, an answer the content filter stopped) as the
 * line it stands for, kept for moderators only.
 */
function looseFlagEntry(flag: FlagRow): TranscriptEntry {
  const common = { kind: "message" as const, text: flag.text, at: new Date(flag.createdAt), flags: [transcriptFlag(flag)] };
  return flag.source === "input"
    ? { ...common, role: "user", author: flag.userName ?? flag.userId ?? "student", authorId: flag.userId ?? "" }
    : { ...common, role: "assistant", author: "agent", authorId: "" };
}

export function toTranscript(
  stored: StoredTranscript,
  presentation: (agentName: string) => AgentPresentation,
  flags: readonly FlagRow[] = [],
  attachments: readonly AttachmentInfo[] = [],
): Transcript {
  const filesByMessage = new Map<number, TranscriptAttachment[]>();
  for (const item of attachments) {
    const list = filesByMessage.get(item.messageId) ?? [];
    list.push({ name: item.fileName, mediaType: item.mediaType, byteSize: item.byteSize, origin: item.origin });
    filesByMessage.set(item.messageId, list);
  }
  const flagsByMessage = new Map<number, TranscriptFlag[]>();
  const looseFlags: FlagRow[] = [];
  for (const flag of flags) {
    if (flag.messageId === undefined) looseFlags.push(flag);
    else flagsByMessage.set(flag.messageId, [...(flagsByMessage.get(flag.messageId) ?? []), transcriptFlag(flag)]);
  }
  const handoffsByMessage = new Map<number, StoredTranscript["handoffs"]>();
  const loose: StoredTranscript["handoffs"] = [];
  for (const handoff of stored.handoffs) {
    if (handoff.messageId === undefined) loose.push(handoff);
    else handoffsByMessage.set(handoff.messageId, [...(handoffsByMessage.get(handoff.messageId) ?? []), handoff]);
  }
  const entries: TranscriptEntry[] = [];
  const pushHandoffs = (list: StoredTranscript["handoffs"]): void => {
    for (const h of list) entries.push({ kind: "handoff", from: h.from, to: h.to, reason: h.reason, at: new Date(h.createdAt) });
  };
  for (const message of stored.messages) {
    // Handoffs whose message was forgotten keep their place by time, and so do flags without a stored message.
    while (loose.length > 0 && loose[0]!.createdAt <= message.createdAt) pushHandoffs(loose.splice(0, 1));
    while (looseFlags.length > 0 && looseFlags[0]!.createdAt <= message.createdAt) entries.push(looseFlagEntry(looseFlags.shift()!));
    const marks = flagsByMessage.get(message.id) ?? [];
    const files = filesByMessage.get(message.id);
    const attached = files === undefined ? {} : { attachments: files };
    if (message.role === "user") {
      entries.push({
        kind: "message",
        role: "user",
        // A moderator answering as a human participant: "Teacher (Ms Smith)".
        author:
          message.authorAgent === undefined
            ? (message.userName ?? message.userId ?? "student")
            : `${presentation(message.authorAgent).displayName} (${message.userName ?? message.userId ?? "moderator"})`,
        authorId: message.userId ?? "",
        text: message.text,
        at: new Date(message.createdAt),
        flags: marks,
        ...attached,
      });
    } else if (message.role === "assistant" && (message.text !== "" || files !== undefined)) {
      const agent = message.authorAgent ?? "";
      entries.push({
        kind: "message",
        role: "assistant",
        author: presentation(agent).displayName,
        authorId: agent,
        text: message.text,
        at: new Date(message.createdAt),
        flags: marks,
        ...attached,
      });
    }
    pushHandoffs(handoffsByMessage.get(message.id) ?? []);
  }
  pushHandoffs(loose);
  for (const flag of looseFlags) entries.push(looseFlagEntry(flag));
  // Who had the floor, in order: a new turn that starts back at the start agent shows it again.
  const trail: string[] = [];
  for (const h of stored.handoffs) {
    if (trail.at(-1) !== h.from) trail.push(h.from);
    trail.push(h.to);
  }
  // Without handoffs, the trail is the one agent that answered, if any did.
  const firstAgent = stored.messages.find((m) => m.role === "assistant")?.authorAgent;
  if (trail.length === 0 && firstAgent !== undefined) trail.push(firstAgent);
  return {
    conversationId: stored.conversation.id,
    thread: stored.conversation.key,
    activeAgent: stored.conversation.activeAgent,
    startedAt: new Date(stored.conversation.createdAt),
    trail,
    entries,
  };
}
