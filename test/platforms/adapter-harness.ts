// What the adapter contract suite (adapter.case.ts) needs of a platform: the real app started over the platform's fake,
// a student who asks and reads the thread, the platform's faults, and a crash and restart over the same database file.

import type { FakeOpenAI } from "../support/fake-openai-server.js";

/** One message the app posted in the student's thread, as the student sees it. */
export interface SeenMessage {
  readonly id: string;
  /** The name it shows under (the webhook's or Slack's username, the console's label). */
  readonly author: string;
  /** What it reads now. */
  readonly text: string;
  /** Every text it has shown, oldest first: its first post, then each edit; the last one is `text`. */
  readonly shown: readonly string[];
}

/** What a platform has, so that the suite runs the cases that apply to it (never skipped: not registered). */
export interface AdapterCapabilities {
  /** The longest message the platform takes; undefined: no limit (a terminal). */
  readonly messageLimit?: number;
  /** A posted message can be edited: a restarted process finishes the same message instead of printing it again. */
  readonly editsInPlace: boolean;
  /** Text can ping a whole channel (@everyone, <!channel>): the app must neutralise it. */
  readonly broadcastMentions: boolean;
  /** The platform delivers an event again when it doubts the first delivery (a retry, a replayed dispatch). */
  readonly redelivery: boolean;
  /** Edits can be refused with 429 and a retry-after. */
  readonly editRateLimits: boolean;
}

/** The thread a question opened. */
export interface StudentThread {
  readonly id: string;
}

export interface Asked {
  readonly thread: StudentThread;
  /** Resolves once the turn is over and its replies are delivered. */
  readonly answered: Promise<void>;
}

/** The platform's edit routes refused once each with 429: how many calls each of them refused. */
export interface EditLimit {
  /** 429s served by each limited route that was called (none: no edit was made); more than one is a call made before retry-after. */
  refusals(): readonly number[];
}

/** What the running app and the student can both be asked. */
interface StudentView {
  /** The fake model every process of the app talks to. */
  readonly model: FakeOpenAI;
  /** The app's SQLite file. */
  readonly databasePath: string;
  /** The app's messages in the thread, in order (the student's own and the question's echo left out). */
  replies(thread: StudentThread): readonly SeenMessage[];
  /** Resolves once `condition` holds (checked as the platform changes). */
  waitUntil(condition: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export interface AdapterApp extends StudentView {
  /** A student asks a new question (a new thread). */
  ask(text: string): Promise<Asked>;
  /** The student writes again in `thread`; the platform delivers the event `deliveries` times (default 1). */
  followUp(thread: StudentThread, text: string, options?: { readonly deliveries?: number }): Promise<Asked>;
  /** Broadcast pings the platform would deliver for what the app posted (e.g. "@everyone"); empty when nothing pings. */
  pings(): readonly string[];
  /** With editRateLimits: the next edit of a message is refused with 429, and so is every edit before retry-after. */
  limitEdits?(retryAfterSeconds: number): EditLimit;
}

/** The app in its own process, to be killed (SIGKILL) and started again over the same database file. */
export interface CrashableApp extends StudentView {
  ask(text: string): Promise<StudentThread>;
  crash(): Promise<void>;
  /** Starts the app again over the same database and platform; resolves once the work left from before is done. */
  restart(): Promise<void>;
}

export interface AdapterHarness {
  readonly platform: string;
  readonly capabilities: AdapterCapabilities;
  /** How the platform shows the model's (markdown) text. */
  rendered(text: string): string;
  /** The name an agent's messages show under. */
  authorOf(agentName: string): string;
  start(): Promise<AdapterApp>;
  startCrashable(): Promise<CrashableApp>;
}

/** Resolves once `condition` holds, looking again every few milliseconds (for state no fake announces: another process's file). */
export async function pollUntil(condition: () => boolean, intervalMs = 10): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
