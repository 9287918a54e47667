// ConversationService end to end: real SQLite file, real openai client, fake model server, recording platform port.

import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { RATE_LIMIT_NOTICE, TOO_LONG_NOTICE } from "../../src/bot/conversation-service.js";
import { UNAVAILABLE_NOTICE } from "../../src/bot/turn-runner.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { RecordingPort } from "../support/recording-port.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

let eventCounter = 0;
function inbound(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: "test",
    workspace: "w1",
    channel: "c1",
    thread: "t1",
    eventId: `ev-${++eventCounter}`,
    user: { id: "u1", name: "Ada" },
    text,
    ...over,
  };
}

async function setup(options: Parameters<typeof startServiceHarness>[0] = {}) {
  harness = await startServiceHarness(options);
  const port = new RecordingPort();
  harness.service.registerPort(port);
  return { h: harness, port };
}

describe("ConversationService", () => {
  it("runs a turn: stores the question, every agent message and the handoff, delivers each reply once", async () => {
    const { h, port } = await setup();
    const outcome = await h.service.handle(inbound("What is the derivative of x^2?"));
    expect(outcome).toMatchObject({ status: "completed", replies: 2 });
    expect(port.lines()).toEqual([
      "triage_agent: This is a math question. I'll hand this off to the math tutor.",
      'math_tutor: math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    expect(port.delivered[1]!.agent).toMatchObject({ displayName: "Math Tutor", emoji: ":triangular_ruler:" });
    const transcript = h.service.transcript({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" })!;
    expect(transcript.trail).toEqual(["triage_agent", "math_tutor"]);
    expect(transcript.entries.map((e) => (e.kind === "message" ? `${e.author}` : `${e.from}->${e.to}`))).toEqual([
      "Ada",
      "Triage",
      "triage_agent->math_tutor",
      "Math Tutor",
    ]);
    expect(h.store.pendingReplies()).toEqual([]);
  });
});
