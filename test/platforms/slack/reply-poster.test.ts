// The Slack PlatformPort against the fake Web API: authorship, the bold-name fallback, splitting, escaping and failures.
import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import type { OutboundReply } from "../../../src/bot/ports.js";
import { AgentIdentityMode } from "../../../src/platforms/slack/agent-identity.js";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { DeliveryError } from "../../../src/bot/delivery-retry.js";
import { SlackAdapterError } from "../../../src/platforms/slack/errors.js";
import { SlackReplyPoster } from "../../../src/platforms/slack/reply-poster.js";
import { FakeSlack, FULL_SCOPES } from "../../support/fake-slack/index.js";
import { testAgent } from "./fake-gateway.js";
import { captureLogger, CHANNEL, type LogLine } from "./slack-test-bot.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const THREAD = "1700000000.000100";

function reply(overrides: Partial<OutboundReply> = {}): OutboundReply {
  return {
    platform: "slack",
    workspace: "T0BATON",
    channel: CHANNEL,
    thread: THREAD,
    replyId: 7,
    conversationId: 3,
    agent: testAgent("triage_agent"),
    text: "Hello **there**",
    kind: "agent",
    ...overrides,
  };
}

async function poster(options: { scopes?: readonly string[]; messageLimit?: number } = {}) {
  fake = await FakeSlack.start({ scopes: options.scopes ?? FULL_SCOPES });
  const logs: LogLine[] = [];
  const logger = captureLogger(logs);
  const client = new webApi.WebClient(fake.identity.botToken, {
    slackApiUrl: fake.apiUrl,
    logger: createBoltLogger(logger),
    retryConfig: { retries: 2, minTimeout: 5, maxTimeout: 20 },
  });
  const port = new SlackReplyPoster({ client, logger, identity: new AgentIdentityMode(logger), ...(options.messageLimit ? { messageLimit: options.messageLimit } : {}) });
  return { fake, port, logs };
}

const warnings = (logs: LogLine[]) => logs.filter((line) => line.level === 40 && line.msg.includes("chat:write.customize"));

describe("SlackReplyPoster", () => {
  it("posts in the thread as the agent, converted to mrkdwn, and returns the message ts", async () => {
    const { fake, port } = await poster();
    const ts = await port.deliver(reply());
    const [message] = fake.messages();
    expect(message).toMatchObject({ channel: CHANNEL, threadTs: THREAD, ts, text: "Hello *there*", username: "Triage", iconEmoji: ":compass:" });
    expect(message?.metadata).toEqual({ event_type: "baton_reply", event_payload: { reply_id: 7, conversation_id: 3, agent: "triage_agent", part: 1, parts: 1 } });
  });

  it("posts a DM conversation's replies at the top level", async () => {
    const { fake, port } = await poster();
    await port.deliver(reply({ channel: "D0STUDENT", thread: "D0STUDENT" }));
    expect(fake.messages()[0]?.threadTs).toBeUndefined();
  });

  it("escapes broadcasts and mentions a model wrote", async () => {
    const { fake, port } = await poster();
    await port.deliver(reply({ text: "Attention <!channel> and <!here> and <!subteam^S1> and @everyone" }));
    const text = fake.messages()[0]?.text ?? "";
    expect(text).not.toMatch(/<!/);
    expect(text).not.toMatch(/@everyone/);
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("falls back to a bold name when the token lacks chat:write.customize (Slack ignores username), warning once", async () => {
    const { fake, port, logs } = await poster({ scopes: FULL_SCOPES.filter((s) => s !== "chat:write.customize") });
    const first = await port.deliver(reply());
    await port.deliver(reply({ replyId: 8, agent: testAgent("math_tutor"), text: "x" }));
    const [one, two] = fake.messages();
    // Slack posted the first one under the app's name; the adapter learned why from the answer and fixed the text.
    expect(one).toMatchObject({ ts: first, text: "*Triage*\nHello *there*", edits: ["Hello *there*"] });
    expect(two).toMatchObject({ text: "*Math Tutor*\nx" });
    expect([one?.username, one?.iconEmoji, two?.username, two?.iconUrl]).toEqual([undefined, undefined, undefined, undefined]);
    expect(fake.callsTo("chat.postMessage")[1]?.params.username).toBeUndefined();
    expect(warnings(logs)).toHaveLength(1);
  });

  it("falls back the same way when Slack answers missing_scope", async () => {
    const { fake, port, logs } = await poster({ scopes: FULL_SCOPES.filter((s) => s !== "chat:write.customize") });
    fake.customizeWithoutScope = "missing_scope";
    const ts = await port.deliver(reply());
    await port.deliver(reply({ replyId: 8 }));
    expect(fake.messages().map((m) => [m.ts === ts, m.username, m.text])).toEqual([
      [true, undefined, "*Triage*\nHello *there*"],
      [false, undefined, "*Triage*\nHello *there*"],
    ]);
    expect(fake.callsTo("chat.postMessage").map((c) => c.answer.ok)).toEqual([false, true, true]);
    expect(warnings(logs)).toHaveLength(1);
  });

  it("does not mistake a missing chat:write for the customization scope", async () => {
    const { fake, port, logs } = await poster();
    fake.failNext("chat.postMessage", "missing_scope", { extra: { needed: "chat:write", provided: "commands" } });
    const error = await port.deliver(reply()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "delivery_refused", cause: { code: "slack_api", slackError: "missing_scope" } });
    expect(warnings(logs)).toEqual([]);
    await port.deliver(reply());
    expect(fake.messages()[0]?.username).toBe("Triage");
  });

  it("splits a long reply into valid pieces in order and returns the first ts", async () => {
    const { fake, port } = await poster({ messageLimit: 400 });
    const code = Array.from({ length: 30 }, (_v, i) => `let v${i} = ${i} * 2;`).join("\n");
    const text = `${"First paragraph. ".repeat(15)}\n\n\`\`\`js\n${code}\n\`\`\`\n\n${"Last words. ".repeat(20)}`;
    const ts = await port.deliver(reply({ text }));
    const posted = fake.messages({ threadTs: THREAD });
    expect(posted.length).toBeGreaterThan(2);
    expect(posted[0]?.ts).toBe(ts);
    for (const message of posted) {
      expect(message.text.length).toBeLessThanOrEqual(400);
      expect(message.text.split("\n").filter((l) => l === "```").length % 2).toBe(0);
      expect(message.username).toBe("Triage");
    }
    const parts = posted.map((m) => (m.metadata as { event_payload: { part: number; parts: number } }).event_payload);
    expect(parts.map((p) => p.part)).toEqual(posted.map((_m, i) => i + 1));
    expect(parts.every((p) => p.parts === posted.length)).toBe(true);
    expect(posted.map((m) => m.text).join("\n")).toContain("let v29 = 29 * 2;");
  });

  it("reports Slack's internal_error as transient, so the service retries it", async () => {
    const { fake, port } = await poster();
    fake.failNext("chat.postMessage", "internal_error");
    const error = await port.deliver(reply()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "delivery_transient", cause: { slackError: "internal_error" } });
    expect(fake.messages()).toHaveLength(0);
  });

  it("waits out a rate limit and posts once", async () => {
    const { fake, port } = await poster();
    fake.rateLimit("chat.postMessage", { retryAfterSeconds: 0 });
    await port.deliver(reply());
    expect(fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages()).toHaveLength(1);
  });

  it("reports Slack's refusal as a coded error, and a retry posts only the pieces still missing", async () => {
    const { fake, port } = await poster({ messageLimit: 100 });
    const text = Array.from({ length: 3 }, (_v, i) => `Paragraph ${i} ${"z".repeat(60)}`).join("\n\n");
    fake.failNext("chat.postMessage", "is_archived", { afterCalls: 1 });
    const error = await port.deliver(reply({ text })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).cause).toBeInstanceOf(SlackAdapterError);
    expect(error).toMatchObject({ code: "delivery_refused", cause: { code: "slack_api", slackError: "is_archived" } });
    expect(fake.messages()).toHaveLength(1);

    const ts = await port.deliver(reply({ text }));
    expect(ts).toBe(fake.messages()[0]?.ts);
    expect(fake.messages().map((m) => m.text.slice(0, 11))).toEqual(["Paragraph 0", "Paragraph 1", "Paragraph 2"]);
  });
});
