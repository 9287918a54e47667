// A flood past the rate limit: one notice per user per window; the rest are stored as refused and acknowledged silently.

import { afterEach, describe, expect, it } from "vitest";
import { RATE_LIMIT_NOTICE, TOO_LONG_NOTICE } from "../../src/bot/conversation-service.js";
import type { InboundMessage } from "../../src/bot/ports.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

let h: ServiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let counter = 0;
function inbound(text: string, user = "u1"): InboundMessage {
  return { platform: "test", workspace: "w", channel: "c", thread: `t-${user}`, eventId: `flood-${++counter}`, user: { id: user, name: user }, text };
}

function refusals(harness: ServiceHarness): Array<{ refusal: string | null }> {
  return harness.db.prepare("SELECT refusal FROM inbound_events WHERE platform = 'test' AND refusal IS NOT NULL ORDER BY received_at").all() as Array<{ refusal: string | null }>;
}

describe("rate-limit notices", () => {
  it("answers the allowance, sends one notice for a flood of 30, and stores the rest as refused", async () => {
    let now = 5_000_000;
    h = await startServiceHarness({ limits: { rateLimitPerMinute: 3 }, now: () => now });
    const port = new RecordingPort();
    h.gateway.registerPort(port);
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => h!.gateway.accept(envelopeOf(inbound(`question ${i} about history`)))));
    expect(outcomes.filter((o) => o.status === "completed")).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === "rejected" && o.reason === "rate_limited")).toHaveLength(27);
    const notices = port.delivered.filter((reply) => reply.kind === "notice");
    expect(notices.map((reply) => reply.text)).toEqual([RATE_LIMIT_NOTICE]);
    expect(refusals(h)).toHaveLength(27);
    expect(h.fakeOpenAI.requests.length).toBe(6); // 3 turns: triage and a tutor each

    // Another student has their own allowance and their own notice.
    await Promise.all(Array.from({ length: 5 }, (_, i) => h!.gateway.accept(envelopeOf(inbound(`other ${i} history`, "u2")))));
    expect(port.delivered.filter((reply) => reply.kind === "notice")).toHaveLength(2);

    // Still flooding a few seconds later: silent. A window later: one more notice.
    now += 5_000;
    expect(await h.gateway.accept(envelopeOf(inbound("again")))).toMatchObject({ status: "rejected", reason: "rate_limited" });
    expect(port.delivered.filter((reply) => reply.kind === "notice")).toHaveLength(2);
    now += 60_000;
    for (let i = 0; i < 3; i++) await h.gateway.accept(envelopeOf(inbound(`new minute ${i} history`)));
    expect(await h.gateway.accept(envelopeOf(inbound("one too many")))).toMatchObject({ status: "rejected", reason: "rate_limited" });
    expect(port.delivered.filter((reply) => reply.kind === "notice")).toHaveLength(3);
  });

  it("counts too-long messages against the limit, so a flood of them gets one rate-limit notice too", async () => {
    h = await startServiceHarness({ limits: { rateLimitPerMinute: 2, maxInputChars: 10 } });
    const port = new RecordingPort();
    h.gateway.registerPort(port);
    for (let i = 0; i < 10; i++) await h.gateway.accept(envelopeOf(inbound(`this message is far too long ${i}`)));
    expect(port.delivered.map((reply) => reply.text)).toEqual([TOO_LONG_NOTICE(10), TOO_LONG_NOTICE(10), RATE_LIMIT_NOTICE]);
    expect(refusals(h).map((row) => row.refusal)).toEqual([...Array(2).fill("too_long"), ...Array(8).fill("rate_limited")]);
  });
});
