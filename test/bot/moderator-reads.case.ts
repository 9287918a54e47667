// The ModeratorReads contract (src/bot/moderator-reads-port.ts), run by the SQLite-backed service and by the adapter
// tests' in-memory fake: a read, a listing or a forget in one workspace's scope never reaches another workspace.

import { describe, expect, it } from "vitest";
import { ALL_WORKSPACES, type ModeratorReads, type ReadScope } from "../../src/bot/moderator-reads-port.js";
import type { ThreadRef } from "../../src/bot/ports.js";

export interface ModeratorReadsSubject {
  readonly reads: ModeratorReads;
  /** Stores a student's message (and whatever the agents answer) in `thread`, as the bot would. */
  seed(thread: ThreadRef, user: { readonly id: string; readonly name: string }, text: string): Promise<void>;
  close(): Promise<void>;
}

const PLATFORM = "test";
/** Two workspaces with a channel and thread of the same ids: only the workspace tells them apart. */
const IN_A: ThreadRef = { platform: PLATFORM, workspace: "school-a", channel: "homework", thread: "t1" };
const IN_B: ThreadRef = { ...IN_A, workspace: "school-b" };
const A: ReadScope = { platform: PLATFORM, workspace: "school-a" };
const B: ReadScope = { platform: PLATFORM, workspace: "school-b" };
const ALL: ReadScope = { platform: PLATFORM, workspace: ALL_WORKSPACES };
const ADA = { id: "u-ada", name: "Ada" };

async function studentTexts(reads: ModeratorReads, scope: ReadScope, thread: ThreadRef): Promise<string[] | undefined> {
  const transcript = await reads.transcript(scope, thread);
  return transcript?.entries.flatMap((e) => (e.kind === "message" && e.role === "user" ? [e.text] : []));
}

export function moderatorReadsCases(name: string, start: () => Promise<ModeratorReadsSubject>): void {
  describe(`ModeratorReads: ${name}`, () => {
    async function seeded(): Promise<ModeratorReadsSubject> {
      const subject = await start();
      await subject.seed(IN_A, ADA, "alpha: what is 2+2?");
      await subject.seed(IN_B, ADA, "beta: who was Napoleon?");
      return subject;
    }

    it("reads a thread only inside its scope: the other workspace's thread of the same ids reads as unknown", async () => {
      const subject = await seeded();
      try {
        const { reads } = subject;
        expect(await studentTexts(reads, A, IN_A)).toEqual(["alpha: what is 2+2?"]);
        expect(await reads.transcript(A, IN_B)).toBeUndefined();
        expect(await studentTexts(reads, B, IN_B)).toEqual(["beta: who was Napoleon?"]);
        expect(await reads.transcript(B, IN_A)).toBeUndefined();
        expect(await reads.transcript({ platform: "elsewhere", workspace: "school-a" }, IN_A)).toBeUndefined();
        // The operator's scope says "all" outright, and reads both.
        expect(await studentTexts(reads, ALL, IN_B)).toEqual(["beta: who was Napoleon?"]);
      } finally {
        await subject.close();
      }
    });

    it("cannot be called without a scope: the type refuses it, and nothing is read if it is forced", async () => {
      const subject = await seeded();
      try {
        // @ts-expect-error: a read must name its workspace (or ALL_WORKSPACES); leaving it out is not "all".
        expect(await subject.reads.transcript({ platform: PLATFORM }, IN_A)).toBeUndefined();
        // @ts-expect-error: nor is an undefined workspace.
        expect(await subject.reads.listConversations({ platform: PLATFORM, workspace: undefined })).toEqual([]);
      } finally {
        await subject.close();
      }
    });

    it("lists the scope's conversations only, and all of them only in the operator's scope", async () => {
      const subject = await seeded();
      try {
        const { reads } = subject;
        expect((await reads.listConversations(A)).map((c) => c.thread)).toEqual([IN_A]);
        expect((await reads.listConversations(B, { channel: "homework" })).map((c) => c.thread)).toEqual([IN_B]);
        expect((await reads.listConversations(A, { channel: "other" }))).toEqual([]);
        expect((await reads.listConversations(ALL)).map((c) => c.thread.workspace).sort()).toEqual(["school-a", "school-b"]);
      } finally {
        await subject.close();
      }
    });

    it("forgets a user inside the scope only: the other workspace keeps what the same user wrote there", async () => {
      const subject = await seeded();
      try {
        const { reads } = subject;
        expect(await reads.forgetUser(A, ADA.id)).toBe(1);
        expect((await studentTexts(reads, A, IN_A)) ?? []).toEqual([]);
        expect(await studentTexts(reads, B, IN_B)).toEqual(["beta: who was Napoleon?"]);
        expect(await reads.forgetUser(A, ADA.id)).toBe(0);
        expect(await reads.forgetUser(ALL, ADA.id)).toBe(1);
        expect((await studentTexts(reads, ALL, IN_B)) ?? []).toEqual([]);
      } finally {
        await subject.close();
      }
    });
  });
}
