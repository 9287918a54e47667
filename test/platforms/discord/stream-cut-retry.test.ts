// A model stream cut after its first words were already streamed to Discord: the engine asks the step again, and the
// same message is edited from the partial words to the retry's text (never the two run together), ending exact.

import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const FAST_PACE = { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } };
const PARTIAL = "Let me see: first we take the power down and then";
const ANSWER = "The derivative of x^2 is 2x, by the power rule: bring the exponent down and lower it by one.";

describe("a streamed reply whose model stream is cut", () => {
  it("is finished on the same message with the retry's text, the partial words replaced rather than added to", async () => {
    let cutNow!: () => void;
    const cutReleased = new Promise<void>((resolve) => (cutNow = resolve));
    let tutorAsks = 0;
    const responder = (request: RecordedRequest) => {
      if (requestAgent(request) !== "math_tutor") return seedResponder(request);
      // The first ask: the role chunk and three words, held until they are on Discord, then the socket is destroyed.
      if (++tutorAsks === 1) return { text: PARTIAL, holdAfterChunks: { chunks: 4, until: cutReleased }, cutAfterChunks: 4 };
      return { text: ANSWER, chunkIntervalMs: 15 };
    };
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
    const { fake } = bed;
    const student = fake.addUser("student1");
    const thread = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is the derivative of x^2?` }).id;
    await fake.waitUntil(() => fake.messagesIn(thread).some((message) => message.author.username === "Math Tutor" && message.content.startsWith("Let")));
    const early = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    cutNow();
    await bed.handled(thread);

    expect(tutorAsks).toBe(2);
    const replies = fake.messagesIn(thread).filter((message) => message.webhook_id !== undefined);
    expect(replies.map((message) => [message.author.username, message.content])).toEqual([
      ["Triage", "This is a math question. I'll hand this off to the math tutor."],
      ["Math Tutor", ANSWER],
    ]);
    // The partial message was edited into the answer: no second post, no notice.
    expect(replies[1]!.id).toBe(early.id);
    expect(webhookPostsTo(fake, thread)).toHaveLength(2);
    // Every edit of it shows a beginning of one attempt's text, never the cut words followed by the retry's.
    const shown = fake
      .callsTo("PATCH", new RegExp(`^/webhooks/\\d+/[^/]+/messages/${early.id}$`))
      .map((call) => String(bodyOf(call).content ?? "").trim());
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const text of shown) expect(PARTIAL.startsWith(text) || ANSWER.startsWith(text), text).toBe(true);
    expect(shown.at(-1)).toBe(ANSWER);
    const turn = bed.service.db.prepare("SELECT turn_status, error_code FROM messages WHERE role = 'user'").get();
    expect(turn).toEqual({ turn_status: "completed", error_code: null });
  });
});
