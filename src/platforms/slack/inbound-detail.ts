// What the Slack adapter keeps with an inbound envelope (its `detail`): enough to finish the event after a restart.

import type { SlackFileRef } from "./slack-events.js";

/** A message event (thread reply, mention, DM): the thread is known on arrival; the student's name is looked up after. */
export interface SlackMessageDetail {
  readonly kind: "message";
  /** "thread reply" | "mention" | "direct message", for the logs. */
  readonly what: string;
  /** Files shared with it (metadata: downloaded once the event is stored). */
  readonly files?: readonly SlackFileRef[];
}

/** A `/homework` command: the root message "<@user> asked: …" is posted in this channel after the command is stored. */
export interface SlackCommandDetail {
  readonly kind: "command";
  readonly channelId: string;
}

export type SlackDetail = SlackMessageDetail | SlackCommandDetail;

const isText = (value: unknown): value is string => typeof value === "string";
const isFile = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  return [f.id, f.name, f.url].every(isText) && typeof f.size === "number" && (f.mediaType === undefined || isText(f.mediaType));
};
const areFiles = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.every(isFile));

/** Reads a detail back from the store; undefined for anything this version did not write. */
export function readSlackDetail(detail: unknown): SlackDetail | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const d = detail as Record<string, unknown>;
  if (d.kind === "message") return isText(d.what) && areFiles(d.files) ? (detail as SlackMessageDetail) : undefined;
  if (d.kind === "command") return isText(d.channelId) ? (detail as SlackCommandDetail) : undefined;
  return undefined;
}
