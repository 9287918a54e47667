// The accept contract run by the service on a real SQLite file, and by the Slack adapter tests' in-memory FakeGateway.

import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness } from "../support/service-harness.js";
import { FakeGateway } from "../platforms/slack/fake-gateway.js";
import { acceptCases } from "./accept.case.js";

acceptCases("the service on SQLite", async () => {
  const harness = await startServiceHarness();
  const port = new RecordingPort();
  harness.service.registerPort(port);
  return {
    accept: (envelope) => harness.service.accept(envelope),
    // The user's messages as stored, by thread: one per answered event.
    answeredIn: () =>
      [...new Set(port.delivered.map((reply) => reply.conversationId))].flatMap((id) => {
        const transcript = harness.store.transcript(id);
        const conversation = port.delivered.find((reply) => reply.conversationId === id)!;
        return (transcript?.messages ?? []).filter((m) => m.role === "user").map(() => conversation.thread);
      }),
    close: () => harness.close(),
  };
});

acceptCases("the Slack adapter tests' FakeGateway", async () => {
  const gateway = new FakeGateway();
  gateway.registerPort(new RecordingPort());
  return {
    accept: (envelope) => gateway.accept(envelope),
    answeredIn: () => gateway.handled.map((message) => message.thread),
    close: async () => undefined,
  };
});
