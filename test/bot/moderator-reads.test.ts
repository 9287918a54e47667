// The ModeratorReads contract run by the service on a real SQLite file, and by the adapter tests' in-memory fake.

import { startServiceHarness } from "../support/service-harness.js";
import { FakeModeratorReads } from "../support/fake-moderator-reads.js";
import { RecordingPort } from "../support/recording-port.js";
import { moderatorReadsCases } from "./moderator-reads.case.js";
import { envelopeOf } from "../support/envelope-of.js";

let events = 0;

moderatorReadsCases("the service on SQLite", async () => {
  const harness = await startServiceHarness();
  harness.service.registerPort(new RecordingPort());
  return {
    reads: harness.service.moderatorReads,
    async seed(thread, user, text) {
      const outcome = await harness.service.accept(envelopeOf({ ...thread, eventId: `ev-${++events}`, user, text }));
      if (outcome.status !== "completed") throw new Error(`seeding failed: ${outcome.status}`);
    },
    close: () => harness.close(),
  };
});

moderatorReadsCases("the in-memory fake", async () => {
  const reads = new FakeModeratorReads();
  return {
    reads,
    async seed(thread, user, text) {
      const at = new Date(Date.UTC(2026, 0, 5, 14, 0, ++events));
      const earlier = await reads.transcript({ platform: thread.platform, workspace: thread.workspace }, thread);
      reads.setTranscript({
        conversationId: earlier?.conversationId ?? events,
        thread,
        activeAgent: "math_tutor",
        startedAt: earlier?.startedAt ?? at,
        trail: ["math_tutor"],
        entries: [
          ...(earlier?.entries ?? []),
          { kind: "message", role: "user", author: user.name, authorId: user.id, text, at, flags: [] },
          { kind: "message", role: "assistant", author: "Math Tutor", authorId: "math_tutor", text: "An answer.", at, flags: [] },
        ],
      });
    },
    close: async () => undefined,
  };
});
