// What the Slack adapter keeps of an event on arrival: enough to finish it after a restart (see ConversationEntry).

import type { SlackFileRef } from "./slack-events.js";

/** A message event (thread reply, mention, DM): the thread is known; the student's name is looked up after. */
export interface ReceivedSlackMessage {
  readonly kind: "message";
  /** "thread reply" | "mention" | "direct message", for the logs. */
  readonly what: string;
  readonly teamId: string;
  readonly channel: string;
  readonly thread: string;
  readonly userId: string;
  readonly text: string;
  readonly ts: string;
  /** Files shared with it (metadata: downloaded when the event is finished). */
  readonly files?: readonly SlackFileRef[];
}

/** A `/homework` command: the root message "<@user> asked: …" is posted after, and its ts recorded once it is. */
export interface ReceivedSlackCommand {
  readonly kind: "command";
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string;
  readonly question: string;
  readonly rootTs?: string;
}

export type ReceivedSlackEvent = ReceivedSlackMessage | ReceivedSlackCommand;

const isText = (value: unknown): value is string => typeof value === "string";
const isFile = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  return [f.id, f.name, f.url].every(isText) && typeof f.size === "number" && (f.mediaType === undefined || isText(f.mediaType));
};
const areFiles = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.every(isFile));

/** Reads a payload back from the store; undefined for anything this version did not write. */
export function readReceivedSlackEvent(payload: unknown): ReceivedSlackEvent | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (p.kind === "message") {
    const fields = [p.what, p.teamId, p.channel, p.thread, p.userId, p.text, p.ts];
    return fields.every(isText) && areFiles(p.files) ? (payload as ReceivedSlackMessage) : undefined;
  }
  if (p.kind === "command") {
    const fields = [p.teamId, p.channelId, p.userId, p.userName, p.question];
    const rootOk = p.rootTs === undefined || isText(p.rootTs);
    return fields.every(isText) && rootOk ? (payload as ReceivedSlackCommand) : undefined;
  }
  return undefined;
}
