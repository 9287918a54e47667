// A teacher request's moderators' alert survives the process: decided with the waiting state (migration 0015), it stays
// pending when the process dies before it was posted, and the next start's recover() posts it once.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import type { TeacherRequestAlert } from "../../src/bot/teacher-handoff.js";
import { offeredToolNames, type FakeScript, type RecordedRequest } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

/** A port with an alert channel for teacher requests; `stuck`: a post never finishes (the process dies during it). */
class TeacherPort extends RecordingPort {
  readonly requests: TeacherRequestAlert[] = [];
  teacherAttempts = 0;
  constructor(private readonly stuck: boolean) {
    super();
  }
  async postTeacherRequest(alert: TeacherRequestAlert): Promise<void> {
    this.teacherAttempts++;
    if (this.stuck) return new Promise<void>(() => undefined);
    this.requests.push(alert);
  }
}

function responder(request: RecordedRequest): FakeScript {
  if (requestAgent(request) === "triage_agent" && offeredToolNames(request).includes("handoff_to_teacher")) {
    return { text: "", toolCalls: [{ name: "handoff_to_teacher", arguments: { reason: "The student asks about their grades." } }] };
  }
  return seedResponder(request);
}

const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
const question: InboundMessage = { ...ref, eventId: "ev-1", user: { id: "u1", name: "Ada" }, text: "can you change my grade?", platformMessageId: "pm-1" };

let harness: ServiceHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const alertState = (h: ServiceHarness) => h.db.prepare("SELECT waiting_alert AS alert FROM conversations").all();

it("an alert the process died while posting is posted by the next start's recover(), then marked sent", async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-teacher-alert-"));
  const options = { databasePath: join(dir, "baton.db"), responder };
  const first = await startServiceHarness(options);
  const stuck = new TeacherPort(true);
  first.service.registerPort(stuck);
  await first.service.accept(envelopeOf(question));
  expect(await first.service.waitingFor(ref)).toBe("teacher");
  expect(stuck.teacherAttempts).toBe(1);
  await first.close();
  expect(stuck.requests).toEqual([]);

  harness = await startServiceHarness(options);
  expect(alertState(harness)).toEqual([{ alert: "pending" }]);
  const port = new TeacherPort(false);
  harness.service.registerPort(port);
  await harness.service.recover();
  await harness.service.teacherAlertsSettled();
  expect(port.requests).toEqual([
    expect.objectContaining({ human: "Teacher", reason: "The student asks about their grades.", student: { id: "u1", name: "Ada" }, excerpt: "can you change my grade?", thread: expect.objectContaining(ref), platformMessageId: "pm-1" }),
  ]);
  expect(alertState(harness)).toEqual([{ alert: "sent" }]);

  // Posted once: another recovery finds nothing pending.
  await harness.service.recover();
  await harness.service.teacherAlertsSettled();
  expect(port.requests).toHaveLength(1);
});
