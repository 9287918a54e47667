// Tutoring policy and channel overrides through the service, as the model receives them: the system message the fake
// OpenAI server gets holds the policy text, and a channel that starts at a tutor makes no triage call.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { TUTORING_POLICY_TEXTS } from "../../src/config/tutoring-policy.js";
import type { RecordedRequest } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

const DEFAULT_AGENTS = readFileSync(new URL("../../agents.yaml", import.meta.url), "utf8");
const MATH_CHANNEL = "123456789012345678";
const DIRECT_CHANNEL = "C0DIRECT01";

let harness: ServiceHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(extraYaml = "") {
  dir = mkdtempSync(join(tmpdir(), "baton-policy-"));
  const agentsFile = join(dir, "agents.yaml");
  writeFileSync(agentsFile, `${DEFAULT_AGENTS}\n${extraYaml}`);
  harness = await startServiceHarness({ agentsFile });
  harness.service.registerPort(new RecordingPort());
  return harness;
}

let counter = 0;
function ask(channel: string, text: string): InboundMessage {
  counter++;
  return { platform: "test", workspace: "w1", channel, thread: `t${counter}`, eventId: `policy-${counter}`, user: { id: "u1", name: "Ada" }, text };
}

function systemOf(request: RecordedRequest): string {
  const first = request.body.messages[0];
  return first?.role === "system" && typeof first.content === "string" ? first.content : "";
}

describe("tutoring policy", () => {
  it("appends the socratic text to a tutor's system message and the direct text to triage's", async () => {
    const h = await start();
    expect(await h.service.accept(envelopeOf(ask("c1", "What is 3 * 4?")))).toMatchObject({ status: "completed" });
    const [triage, tutor] = h.fakeOpenAI.requests;
    expect(requestAgent(triage!)).toBe("triage_agent");
    expect(systemOf(triage!)).toContain(TUTORING_POLICY_TEXTS.direct);
    expect(systemOf(triage!)).not.toContain(TUTORING_POLICY_TEXTS.socratic);
    expect(requestAgent(tutor!)).toBe("math_tutor");
    // Right after the agent's own instructions.
    expect(systemOf(tutor!)).toMatch(/^You provide help with math problems[^]*\n\nTutoring policy: help the student learn/);
    expect(systemOf(tutor!)).toContain(TUTORING_POLICY_TEXTS.socratic);
  });

  it("uses the policies: text of agents.yaml instead of Baton's", async () => {
    const h = await start("policies:\n  socratic: Ask the student one question at a time; never give the answer first.\n");
    await h.service.accept(envelopeOf(ask("c1", "What is 3 * 4?")));
    const tutor = h.fakeOpenAI.requests.find((r) => requestAgent(r) === "math_tutor")!;
    expect(systemOf(tutor)).toContain("Ask the student one question at a time; never give the answer first.");
    expect(systemOf(tutor)).not.toContain(TUTORING_POLICY_TEXTS.socratic);
  });
});

describe("channel overrides", () => {
  const channels = `channels:\n  ${MATH_CHANNEL}: { start: math_tutor }\n  ${DIRECT_CHANNEL}: { policy: direct }\n`;

  it("starts a conversation in a math channel at math_tutor: no triage call, the tutor answers", async () => {
    const h = await start(channels);
    const port = new RecordingPort();
    h.service.registerPort(port);
    expect(await h.service.accept(envelopeOf(ask(MATH_CHANNEL, "What is 3 * 4?")))).toMatchObject({ status: "completed", replies: 1 });
    expect(h.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor"]);
    expect(systemOf(h.fakeOpenAI.requests[0]!)).toContain(TUTORING_POLICY_TEXTS.socratic);
    expect(port.delivered.map((r) => r.agent.name)).toEqual(["math_tutor"]);
    // The next message of that conversation starts there again; another channel still goes through triage.
    await h.service.accept(envelopeOf({ ...ask(MATH_CHANNEL, "And 5 * 6?"), thread: `t${counter - 1}` }));
    await h.service.accept(envelopeOf(ask("c1", "What is 3 * 4?")));
    expect(h.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor", "math_tutor", "triage_agent", "math_tutor"]);
  });

  it("gives every tutor in a direct channel the direct text; other channels keep socratic", async () => {
    const h = await start(channels);
    await h.service.accept(envelopeOf(ask(DIRECT_CHANNEL, "Who won the battle of Hastings?")));
    const tutor = h.fakeOpenAI.requests.find((r) => requestAgent(r) === "history_tutor")!;
    expect(systemOf(tutor)).toContain(TUTORING_POLICY_TEXTS.direct);
    expect(systemOf(tutor)).not.toContain(TUTORING_POLICY_TEXTS.socratic);
    await h.service.accept(envelopeOf(ask("c1", "Who won the battle of Hastings?")));
    const elsewhere = h.fakeOpenAI.requests.filter((r) => requestAgent(r) === "history_tutor")[1]!;
    expect(systemOf(elsewhere)).toContain(TUTORING_POLICY_TEXTS.socratic);
  });
});
