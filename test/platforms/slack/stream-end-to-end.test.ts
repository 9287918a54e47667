// Streamed answers on Slack end to end (on by default): real Bolt HTTP receiver, the real ConversationService on a
// SQLite file, the real WebClient, the fake model and fake Slack. The tutor's words show in the thread while the
// model is still writing, natively streamed under its name to the student; the final text is the model's exactly.

import { afterEach, describe, expect, it } from "vitest";
import { markdownPieces } from "../../../src/platforms/slack/stream-markdown.js";
import type { RecordedRequest } from "../../support/fake-openai-server.js";
import { slashCommandBody, type FakeSlackMessage } from "../../support/fake-slack/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

const ANSWER = "The derivative of **x^2** is `2x`:\n\n```python\ndef f(x):\n    return 2 * x\n```\n\nby the power rule.";
const NARRATION = "This is a math question. I'll hand this off to the math tutor.";

describe("Slack streams answers end to end", () => {
  it("shows the tutor's first words while the model still writes, then the exact answer on the same message", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    h = await startServiceHarness({
      responder: (request: RecordedRequest) => (requestAgent(request) === "math_tutor" ? { text: ANSWER, holdAfterChunks: { chunks: 4, until: held } } : seedResponder(request)),
    });
    t = await startSlackTestBot({ gateway: h.gateway });
    const body = slashCommandBody({
      command: "/homework",
      text: "What is the derivative of x^2?",
      userId: STUDENT.id,
      userName: STUDENT.name,
      channelId: CHANNEL,
      teamId: t.fake.identity.teamId,
      teamDomain: t.fake.identity.teamDomain,
      responseUrl: t.fake.responseUrl(),
    });
    expect((await t.sender.sendCommand(body)).status).toBe(200);
    const tutor = (): FakeSlackMessage | undefined => t!.fake.messages({ channel: CHANNEL }).find((message) => message.username === "Math Tutor");
    const opened = await t.fake.waitFor(() => (tutor()?.text !== undefined && tutor()!.text !== "" ? tutor() : undefined));
    // The model is held mid-answer: the message is live, shows a beginning of the answer, and streams to the student.
    expect(opened.stream).toMatchObject({ state: "streaming", recipient: { userId: STUDENT.id, teamId: t.fake.identity.teamId } });
    expect(markdownPieces(ANSWER, { limit: 3_500, prefix: "" })[0]!.startsWith(opened.text)).toBe(true);
    expect(opened.text.length).toBeLessThan(ANSWER.length);
    // Triage's narration was finished before the tutor's message opened.
    const narration = t.fake.messages({ channel: CHANNEL }).find((message) => message.username === "Triage")!;
    expect([narration.text, narration.stream?.state]).toEqual([NARRATION, "stopped"]);

    release();
    await t.bot.idle();
    const replies = t.fake.messages({ channel: CHANNEL, threadTs: opened.threadTs! });
    expect(replies.map((message) => [message.username, message.text])).toEqual([
      ["Triage", NARRATION],
      ["Math Tutor", markdownPieces(ANSWER, { limit: 3_500, prefix: "" })[0]],
    ]);
    expect(replies[1]!.ts).toBe(opened.ts);
    expect(replies.every((message) => message.stream?.state === "stopped")).toBe(true);
    expect(t.fake.callsTo("chat.postMessage")).toHaveLength(1); // the "asked:" root only
    // The stored reply is the model's exact text, linked to the message that streamed it.
    const outbox = h.db.prepare("SELECT agent_name, text, status, platform_message_id FROM outbox ORDER BY id").all();
    expect(outbox).toEqual([
      { agent_name: "triage_agent", text: NARRATION, status: "sent", platform_message_id: narration.ts },
      { agent_name: "math_tutor", text: ANSWER, status: "sent", platform_message_id: opened.ts },
    ]);
    // "is thinking…" while nothing was written, cleared by the first words, and gone at the end.
    const statuses = t.fake.world.statuses.map((entry) => entry.status);
    expect(statuses[0]).toBe("is thinking…");
    expect(statuses.at(-1)).toBe("");
  });

  it("posts each reply whole with SLACK_STREAM_REPLIES=off", async () => {
    h = await startServiceHarness();
    t = await startSlackTestBot({ gateway: h.gateway, settings: { streamReplies: false } });
    const body = slashCommandBody({
      command: "/homework",
      text: "What is 2+2?",
      userId: STUDENT.id,
      userName: STUDENT.name,
      channelId: CHANNEL,
      teamId: t.fake.identity.teamId,
      teamDomain: t.fake.identity.teamDomain,
      responseUrl: t.fake.responseUrl(),
    });
    expect((await t.sender.sendCommand(body)).status).toBe(200);
    await t.bot.idle();
    expect(t.fake.callsTo("chat.startStream")).toHaveLength(0);
    expect(t.fake.callsTo("chat.update")).toHaveLength(0);
    expect(t.fake.callsTo("chat.postMessage")).toHaveLength(3);
  });
});
