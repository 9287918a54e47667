// A held message's safety check cut off by an orderly stop (close() while the moderation call is in flight) is not
// recorded as "unchecked": it stays owed and the next start's recover() checks it, once.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { offeredToolNames, type FakeScript, type RecordedRequest } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

function responder(request: RecordedRequest): FakeScript {
  if (requestAgent(request) === "triage_agent" && offeredToolNames(request).includes("handoff_to_teacher")) {
    return { text: "", toolCalls: [{ name: "handoff_to_teacher", arguments: { reason: "The student asks about their grades." } }] };
  }
  return seedResponder(request);
}

const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
const message = (eventId: string, text: string): InboundMessage => ({ ...ref, eventId, user: { id: "u1", name: "Ada" }, text });

let harness: ServiceHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it("stays owed through close() and is checked by the next start: one flag, from a real verdict, and one caring reply", async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-held-shutdown-"));
  const options = { databasePath: join(dir, "baton.db"), responder, safety: { moderation: true } };
  const first = await startServiceHarness(options);
  first.service.registerPort(new RecordingPort());
  expect(await first.service.accept(envelopeOf(message("ev-1", "can you change my grade?")))).toMatchObject({ status: "completed" });
  expect(await first.service.waitingFor(ref)).toBe("teacher");
  const hold = first.fakeOpenAI.moderations.hold();
  const held = first.service.accept(envelopeOf(message("ev-2", "nobody answers, I want to die")));
  await hold.arrived(1);
  await Promise.all([first.close(), held]);
  hold.release();
  const owed = (h: ServiceHarness) => h.db.prepare("SELECT count(*) FROM messages WHERE held_check = 'pending'").pluck().get();

  harness = await startServiceHarness(options);
  expect(owed(harness)).toBe(1);
  expect(harness.db.prepare("SELECT count(*) FROM flags").pluck().get()).toBe(0);
  harness.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.91 });
  const port = new RecordingPort();
  harness.service.registerPort(port);
  await harness.service.recover();
  expect(harness.db.prepare("SELECT action, severity FROM flags").all()).toEqual([{ action: "block", severity: "urgent" }]);
  expect(owed(harness)).toBe(0);
  expect(port.lines()).toHaveLength(1);

  // Once: a second recovery finds nothing owed and moderates nothing.
  const moderated = harness.fakeOpenAI.moderations.requests.length;
  await harness.service.recover();
  expect(harness.fakeOpenAI.moderations.requests).toHaveLength(moderated);
  expect(port.lines()).toHaveLength(1);
});
