// accept({ inbound, opensConversation?, observer? }): stored before any network step, each step's result kept, answered once.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Inbound, InboundEnvelope, OpensConversation } from "../../src/bot/inbound-envelope.js";
import type { PlatformPort, ThreadRef } from "../../src/bot/ports.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";

const harnesses: ServiceHarness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function harness(databasePath?: string): Promise<ServiceHarness> {
  const h = await startServiceHarness(databasePath === undefined ? {} : { databasePath });
  harnesses.push(h);
  return h;
}

const thread = (id: string): ThreadRef => ({ platform: "test", workspace: "w", channel: "c", thread: id });
let counter = 0;
function inbound(text: string, extra: Partial<Inbound> = {}): Inbound {
  return { platform: "test", workspace: "w", eventId: `env-${++counter}`, user: { id: "u1", name: "Ada" }, text, ...extra };
}

const receivedRows = (h: ServiceHarness): number => h.db.prepare("SELECT count(*) FROM received_events").pluck().get() as number;

describe("accept: one envelope per inbound event", () => {
  it("answers a message in a known thread once; the same event id again is a duplicate", async () => {
    const h = await harness();
    const port = new RecordingPort();
    h.service.registerPort(port);
    const heard: string[] = [];
    const event = inbound("What is the derivative of x^2?", { thread: thread("t1") });
    const observer = {
      stored: () => heard.push("stored"),
      busyStart: (ref: ThreadRef) => heard.push(`busy ${ref.thread}`),
      busyEnd: (ref: ThreadRef) => void heard.push(`idle ${ref.thread}`),
      outcome: (o: { status: string }) => heard.push(o.status),
    };

    expect((await h.service.accept({ inbound: event, observer })).status).toBe("completed");
    expect((await h.service.accept({ inbound: event, observer })).status).toBe("duplicate");
    // Each accept is heard whole and in order: busy before idle, stored before the outcome, the outcome last. "stored"
    // and "busy" come from two steps that run at once (the store's commit, the check for a waiting teacher), so their
    // order is not part of the contract: a quiet store commits before the check returns.
    for (const [half, outcome] of [
      [heard.slice(0, 4), "completed"],
      [heard.slice(4), "duplicate"],
    ] as const) {
      expect([...half].sort()).toEqual(["busy t1", "idle t1", "stored", outcome].sort());
      expect(half.indexOf("busy t1")).toBeLessThan(half.indexOf("idle t1"));
      expect(half.at(-1)).toBe(outcome);
    }
    expect(port.delivered.map((r) => r.thread)).toEqual(["t1", "t1"]); // triage's handoff line and the tutor's answer
  });

  it("ignores a reply in a thread that is no conversation without storing it, and answers one in a conversation", async () => {
    const h = await harness();
    h.service.registerPort(new RecordingPort());
    const stray = await h.service.accept({ inbound: inbound("hello", { thread: thread("elsewhere"), onlyInConversation: true }) });
    expect(stray).toEqual({ status: "ignored", reason: "not_a_conversation" });
    expect(h.store.findConversation(thread("elsewhere"))).toBeUndefined();

    await h.service.accept({ inbound: inbound("What is 2+2?", { thread: thread("t2") }) });
    const reply = await h.service.accept({ inbound: inbound("And 3+3?", { thread: thread("t2"), onlyInConversation: true }) });
    expect(reply.status).toBe("completed");
  });

  it("stores the event before opensConversation runs, then runs the lookups, busy around the turn", async () => {
    const h = await harness();
    const port = new RecordingPort();
    h.service.registerPort(port);
    const steps: string[] = [];
    const envelope: InboundEnvelope = {
      inbound: inbound("What is the derivative of x^2?", { user: { id: "u1", name: "" }, lookups: { userName: async () => (steps.push("name"), "Ada Lovelace") } }),
      opensConversation: async () => {
        steps.push(`open (stored rows: ${receivedRows(h)})`);
        return thread("made");
      },
      observer: {
        stored: () => steps.push("stored"),
        busyStart: (ref) => steps.push(`busy ${ref.thread}`),
        busyEnd: (ref) => void steps.push(`idle ${ref.thread}`),
      },
    };
    expect((await h.service.accept(envelope)).status).toBe("completed");
    expect(steps).toEqual(["stored", "open (stored rows: 1)", "busy made", "name", "idle made"]);
    expect(receivedRows(h)).toBe(0); // the receipt became the message
    const conversation = h.store.findConversation(thread("made"))!;
    expect(h.store.transcript(conversation.id)!.messages[0]).toMatchObject({ role: "user", text: "What is the derivative of x^2?" });
    expect(port.delivered.every((r) => r.thread === "made")).toBe(true);
  });

  it("drops the event when opensConversation cannot make the thread", async () => {
    const h = await harness();
    h.service.registerPort(new RecordingPort());
    const outcome = await h.service.accept({ inbound: inbound("hi"), opensConversation: async () => undefined });
    expect(outcome).toEqual({ status: "ignored", reason: "no_thread" });
    expect(receivedRows(h)).toBe(0);
  });

  it("after a crash mid-opening, the port's revive resumes from the recorded step and the question is answered once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-envelope-"));
    dirs.push(dir);
    const path = join(dir, "baton.db");
    const first = await harness(path);
    first.service.registerPort(new RecordingPort());
    let recorded!: () => void;
    const opening = new Promise<void>((resolve) => (recorded = resolve));
    const hung: OpensConversation = async (progress) => {
      await progress.record({ posted: "m1" });
      recorded();
      return await new Promise<never>(() => undefined); // the process dies while the thread is being made
    };
    void first.service.accept({ inbound: inbound("Who was Napoleon?", { detail: { channel: "c" } }), opensConversation: hung });
    await opening;
    await first.close();
    harnesses.splice(harnesses.indexOf(first), 1);

    const second = await harness(path);
    const seen: unknown[] = [];
    const port: PlatformPort & { delivered: RecordingPort["delivered"] } = Object.assign(new RecordingPort(), {
      revive: (stored: { inbound: Inbound; opening?: unknown }): InboundEnvelope => ({
        inbound: stored.inbound,
        opensConversation: async (progress) => {
          seen.push(progress.recorded, stored.inbound.detail);
          return thread("resumed");
        },
      }),
    });
    second.service.registerPort(port);
    expect(await second.service.recover()).toMatchObject({ queued: 1 });
    await second.service.close();
    expect(seen).toEqual([{ posted: "m1" }, { channel: "c" }]);
    const conversation = second.store.findConversation(thread("resumed"))!;
    expect(second.store.transcript(conversation.id)!.messages.filter((m) => m.role === "user").map((m) => m.text)).toEqual(["Who was Napoleon?"]);
    expect(port.delivered.filter((r) => r.kind === "agent").length).toBeGreaterThan(0);
    expect(receivedRows(second)).toBe(0);
  });
});
