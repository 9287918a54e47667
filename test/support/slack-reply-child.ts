// A ConversationService posting through the real Slack reply poster, in its own process, for crash tests.
// Env: DB, MODEL_URL, SLACK_API_URL, SLACK_TOKEN, CHANNEL, THREAD; MESSAGE (optional text to handle);
// KILL_AFTER_POST=1 kills the process (SIGKILL) right after the first reply is posted, before it is marked sent.

import { webApi } from "@slack/bolt";
import OpenAI from "openai";
import pino from "pino";
import { createConversationApp } from "../../src/app/create-app.js";
import type { OutboundReply, PlatformPort } from "../../src/bot/ports.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { AgentIdentityMode } from "../../src/platforms/slack/agent-identity.js";
import { SlackReplyPoster } from "../../src/platforms/slack/reply-poster.js";
import { DEFAULT_TEST_LIMITS } from "./service-harness.js";
import { envelopeOf } from "./envelope-of.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const logger = pino({ level: "silent" });
const client = new webApi.WebClient(env("SLACK_TOKEN"), { slackApiUrl: env("SLACK_API_URL"), retryConfig: { retries: 0 } });
const poster = new SlackReplyPoster({ client, logger, identity: new AgentIdentityMode(logger) });

/** The poster, killed the moment the platform has the first reply and before the service can mark it sent. */
class KillAfterPost implements PlatformPort {
  readonly platform = poster.platform;
  async deliver(reply: OutboundReply): Promise<string> {
    const ts = await poster.deliver(reply);
    process.stdout.write(`posted ${reply.replyId}\n`);
    if (process.env.KILL_AFTER_POST === "1") process.kill(process.pid, "SIGKILL");
    return ts;
  }
}

const app = createConversationApp({
  databasePath: env("DB"),
  agentsFile: new URL("../../agents.yaml", import.meta.url).pathname,
  llm: new OpenAIChatClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: env("MODEL_URL"), maxRetries: 0 }), model: "gpt-4o-mini" }),
  limits: DEFAULT_TEST_LIMITS,
  logger,
});
app.service.registerPort(new KillAfterPost());
const recovered = await app.service.recover();
process.stdout.write(`recovered ${JSON.stringify(recovered)}\n`);
const text = process.env.MESSAGE;
if (text !== undefined) {
  const ref = { platform: "slack", workspace: "T0FAKE", channel: env("CHANNEL"), thread: env("THREAD") };
  const outcome = await app.service.accept(envelopeOf({ ...ref, eventId: "ev-1", user: { id: "U0STUDENT", name: "Ada" }, text }));
  process.stdout.write(`outcome ${outcome.status}\n`);
}
await app.close();
process.stdout.write("done\n");
