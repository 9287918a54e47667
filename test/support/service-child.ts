// A ConversationService in its own process, for crash tests: handles one message (or only recovers), logs deliveries.
// Env: DB, MODEL_URL, DELIVERIES (a JSON-lines file), MESSAGE (optional text to handle), EVENT_ID.

import { appendFileSync } from "node:fs";
import OpenAI from "openai";
import pino from "pino";
import { createConversationApp } from "../../src/app/create-app.js";
import type { OutboundReply, PlatformPort } from "../../src/bot/ports.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { DEFAULT_TEST_LIMITS } from "./service-harness.js";
import { envelopeOf } from "./envelope-of.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

class FileLoggingPort implements PlatformPort {
  readonly platform = "test";
  async deliver(reply: OutboundReply): Promise<string> {
    appendFileSync(env("DELIVERIES"), `${JSON.stringify({ replyId: reply.replyId, agent: reply.agent.name, text: reply.text, pid: process.pid })}\n`);
    process.stdout.write(`delivered ${reply.replyId}\n`);
    return `msg-${reply.replyId}`;
  }
}

const app = createConversationApp({
  databasePath: env("DB"),
  agentsFile: new URL("../../agents.yaml", import.meta.url).pathname,
  llm: new OpenAIChatClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: env("MODEL_URL"), maxRetries: 0 }), model: "gpt-4o-mini" }),
  limits: DEFAULT_TEST_LIMITS,
  logger: pino({ level: "silent" }),
});
app.service.registerPort(new FileLoggingPort());
const recovered = await app.service.recover();
process.stdout.write(`recovered ${JSON.stringify(recovered)}\n`);
const text = process.env.MESSAGE;
if (text !== undefined) {
  const outcome = await app.service.accept(envelopeOf({
    platform: "test",
    workspace: "w",
    channel: "c",
    thread: "t",
    eventId: env("EVENT_ID"),
    user: { id: "u1", name: "Ada" },
    text,
  }));
  process.stdout.write(`outcome ${outcome.status}\n`);
}
await app.close();
process.stdout.write("done\n");
