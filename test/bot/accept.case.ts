// The accept contract (src/bot/inbound-envelope.ts), run by the service on a real SQLite file and by the Slack adapter
// tests' in-memory FakeGateway, so the fake cannot be kinder than the service it stands in for.

import { describe, expect, it } from "vitest";
import type { AcceptOutcome, Inbound, InboundEnvelope } from "../../src/bot/inbound-envelope.js";
import type { ThreadRef } from "../../src/bot/ports.js";

export interface AcceptSubject {
  accept(envelope: InboundEnvelope): Promise<AcceptOutcome>;
  /** The threads the agents answered in, one entry per answered message. */
  answeredIn(): readonly string[];
  close(): Promise<void>;
}

const thread = (id: string): ThreadRef => ({ platform: "test", workspace: "w", channel: "c", thread: id });
let counter = 0;
const inbound = (extra: Partial<Inbound> = {}): Inbound => ({
  platform: "test",
  workspace: "w",
  eventId: `case-${++counter}`,
  user: { id: "u1", name: "Ada" },
  text: "What is 2+2?",
  ...extra,
});

export function acceptCases(name: string, start: () => Promise<AcceptSubject>): void {
  describe(`accept: ${name}`, () => {
    it("answers an event once: the same event id again is a duplicate", async () => {
      const subject = await start();
      const event = inbound({ thread: thread("t1") });
      expect((await subject.accept({ inbound: event })).status).toBe("completed");
      expect(await subject.accept({ inbound: event })).toEqual({ status: "duplicate" });
      expect(subject.answeredIn()).toEqual(["t1"]);
      await subject.close();
    });

    it("ignores a reply in a thread that is no conversation, and says it may be acknowledged", async () => {
      const subject = await start();
      const heard: string[] = [];
      const outcome = await subject.accept({
        inbound: inbound({ thread: thread("stray"), onlyInConversation: true }),
        observer: { stored: () => heard.push("stored"), outcome: (o) => heard.push(o.status) },
      });
      expect(outcome).toEqual({ status: "ignored", reason: "not_a_conversation" });
      expect(heard).toEqual(["stored", "ignored"]);
      expect(subject.answeredIn()).toEqual([]);
      await subject.close();
    });

    it("runs opensConversation after the event is stored, then answers in the thread it made; a follow-up there counts", async () => {
      const subject = await start();
      const heard: string[] = [];
      const outcome = await subject.accept({
        inbound: inbound({ lookups: { userName: async () => (heard.push("name"), "Ada L.") } }),
        opensConversation: async (progress) => {
          heard.push(`open (recorded: ${String(progress.recorded)})`);
          return thread("made");
        },
        observer: { stored: () => heard.push("stored"), busyStart: (ref) => heard.push(`busy ${ref.thread}`), busyEnd: (ref) => void heard.push(`idle ${ref.thread}`) },
      });
      expect(outcome.status).toBe("completed");
      expect(heard).toEqual(["stored", "open (recorded: undefined)", "busy made", "name", "idle made"]);
      const followUp = await subject.accept({ inbound: inbound({ thread: thread("made"), onlyInConversation: true }) });
      expect(followUp.status).toBe("completed");
      expect(subject.answeredIn()).toEqual(["made", "made"]);
      await subject.close();
    });

    it("drops the event when opensConversation cannot make the thread", async () => {
      const subject = await start();
      const outcome = await subject.accept({ inbound: inbound(), opensConversation: async () => undefined });
      expect(outcome).toEqual({ status: "ignored", reason: "no_thread" });
      expect(subject.answeredIn()).toEqual([]);
      await subject.close();
    });
  });
}
