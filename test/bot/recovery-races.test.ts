// Restart and shutdown against live traffic: nothing answered twice, nothing lost, forgotten messages stay forgotten.

import { afterEach, describe, expect, it } from "vitest";
import type { StoredInbound } from "../../src/bot/inbound-envelope.js";
import type { InboundMessage } from "../../src/bot/ports.js";
import { lastUserText, type FakeResponder } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { forgetIn, transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

const harnesses: ServiceHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const THREAD = { platform: "test", workspace: "w", channel: "c", thread: "t" } as const;
let events = 0;
const inbound = (text: string, user = { id: "u1", name: "Ada" }): InboundMessage => ({ ...THREAD, eventId: `e${++events}`, user, text });

/** A responder that holds every model call until `release()`. */
function held(): { responder: FakeResponder; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { responder: (request) => ({ ...seedResponder(request), stallUntil: gate }), release };
}

async function start(options: Parameters<typeof startServiceHarness>[0] = {}) {
  const h = await startServiceHarness(options);
  harnesses.push(h);
  const port = new RecordingPort();
  h.service.registerPort(port);
  return { h, port };
}

describe("recovery and live traffic", () => {
  it("does not run a turn again that a live message's task is already running", async () => {
    const { responder, release } = held();
    const { h, port } = await start({ responder });
    const live = h.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    await h.fakeOpenAI.waitForRequests(1);
    const recovered = h.service.recover();
    release();
    await Promise.all([live, recovered]);
    expect(h.fakeOpenAI.requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor"]);
    expect(port.delivered).toHaveLength(2);
  });

  it("does not finish a second time an event this process received live before recovery ran", async () => {
    const { h } = await start();
    const revived: string[] = [];
    h.service.registerPort(Object.assign(new RecordingPort(), { revive: (stored: StoredInbound) => (revived.push(stored.inbound.eventId), undefined) }));
    h.service.pauseIntake();
    // Received live while the bot connects; its adapter is still at its network step when recovery runs.
    let release!: () => void;
    const opening = new Promise<void>((resolve) => (release = resolve));
    let stored!: () => void;
    const isStored = new Promise<void>((resolve) => (stored = resolve));
    const live = h.service.accept({
      inbound: { platform: "test", workspace: "w", eventId: "live-1", user: { id: "u1", name: "Ada" }, text: "hi" },
      opensConversation: async () => {
        await opening;
        return undefined;
      },
      observer: { stored },
    });
    await isStored;
    await h.service.recover();
    expect(revived).toEqual([]);
    release();
    expect(await live).toEqual({ status: "ignored", reason: "no_thread" });
  });

  it("holds messages that arrive while the bots connect until the unfinished work is queued, then answers in order", async () => {
    const { h, port } = await start();
    const conversation = h.store.getOrCreateConversation(THREAD);
    const left = h.store.appendUserMessage(conversation.id, { userId: "u1", userName: "Ada", text: "Tell me about World War 2" });
    h.store.startTurnAttempt(left.id);
    h.service.pauseIntake();
    const live = h.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    await h.service.recover();
    await live;
    expect(port.delivered.map((r) => r.agent.name)).toEqual(["triage_agent", "history_tutor", "triage_agent", "math_tutor"]);
    expect(h.store.pendingTurns()).toEqual([]);
  });

  it("marks a pending turn that later messages went past as superseded instead of answering it late", async () => {
    const { h, port } = await start();
    const conversation = h.store.getOrCreateConversation(THREAD);
    const stale = h.store.appendUserMessage(conversation.id, { userId: "u1", userName: "Ada", text: "old question" });
    h.store.startTurnAttempt(stale.id);
    await h.service.accept(envelopeOf(inbound("Tell me about World War 2")));
    const requests = h.fakeOpenAI.requests.length;
    await h.service.recover();
    expect(h.fakeOpenAI.requests).toHaveLength(requests);
    expect(h.store.turnStatus(stale.id)).toBe("failed");
    expect(port.delivered).toHaveLength(2);
  });

  it("leaves messages queued behind a running turn in the inbox at shutdown, and answers each once after the restart", async () => {
    const { responder } = held();
    const first = await start({ responder });
    void first.h.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    await first.h.fakeOpenAI.waitForRequests(1);
    const queued = first.h.service.accept(envelopeOf(inbound("Tell me about World War 2")));
    await first.h.service.close();
    await queued;
    expect(first.h.store.transcript(first.h.store.findConversation(THREAD)!.id)!.messages.filter((m) => m.role === "user")).toHaveLength(1);

    const { h, port } = await start({ databasePath: first.h.databasePath });
    expect(await h.service.recover()).toEqual({ replies: 0, turns: 1, queued: 1 });
    expect(port.delivered.map((r) => r.agent.name)).toEqual(["triage_agent", "math_tutor", "triage_agent", "history_tutor"]);
    const asked = h.fakeOpenAI.requests.filter((r) => requestAgent(r) !== "triage_agent").map(lastUserText);
    expect(asked).toEqual(["What is the derivative of x^2?", "Tell me about World War 2"]);
  });

  it("does not process a waiting message of a user who was forgotten meanwhile", async () => {
    const { responder, release } = held();
    const { h } = await start({ responder });
    const running = h.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    await h.fakeOpenAI.waitForRequests(1);
    const bobs = h.service.accept(envelopeOf(inbound("bob's secret question", { id: "bob", name: "Bob" })));
    expect((await forgetIn(h.service, "test", "bob"))).toBe(1);
    release();
    await Promise.all([running, bobs]);
    expect(h.fakeOpenAI.requests.map(lastUserText)).not.toContain("bob's secret question");
    const stored = h.store.transcript(h.store.findConversation(THREAD)!.id)!.messages;
    expect(stored.some((m) => m.text.includes("secret"))).toBe(false);
  });

  it("recovers only the given thread when asked to (a console session resumes its own conversation)", async () => {
    const { h, port } = await start();
    for (const thread of ["mine", "other"]) {
      const conversation = h.store.getOrCreateConversation({ ...THREAD, thread });
      h.store.startTurnAttempt(h.store.appendUserMessage(conversation.id, { userId: "u1", userName: "Ada", text: `World War 2 (${thread})` }).id);
    }
    expect(await h.service.recover({ ...THREAD, thread: "mine" })).toEqual({ replies: 0, turns: 1, queued: 0 });
    expect(new Set(port.delivered.map((r) => r.thread))).toEqual(new Set(["mine"]));
    expect(h.store.pendingTurns().map((p) => p.conversation.key.thread)).toEqual(["other"]);
  });

  it("keeps a message that arrives during shutdown in the inbox for the next start", async () => {
    const first = await start();
    await first.h.service.close();
    expect(await first.h.service.accept(envelopeOf(inbound("Tell me about World War 2")))).toMatchObject({ status: "failed", errorCode: "aborted" });
    const { h, port } = await start({ databasePath: first.h.databasePath });
    expect(await h.service.recover()).toEqual({ replies: 0, turns: 0, queued: 1 });
    expect(port.delivered.map((r) => r.agent.name)).toEqual(["triage_agent", "history_tutor"]);
  });

  it("forgets a user only in the given workspace when asked to", async () => {
    const { h } = await start();
    await h.service.accept(envelopeOf(inbound("Tell me about World War 2")));
    await h.service.accept(envelopeOf({ ...inbound("Tell me about Rome"), workspace: "other-school" }));
    expect((await forgetIn(h.service, "test", "u1", "other-school"))).toBe(1);
    expect((await transcriptOf(h.service, THREAD))!.entries.filter((e) => e.kind === "message" && e.role === "user")).toHaveLength(1);
    expect((await forgetIn(h.service, "test", "u1"))).toBe(1);
  });
});

