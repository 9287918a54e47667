// Builds the ModerationClient the moderation settings describe (OpenAI's endpoint), or none when moderation is off.

import OpenAI from "openai";
import type { ModerationClient } from "../bot/moderation-port.js";
import type { ModerationSettings } from "../config/safety-settings.js";
import { OpenAIModerationClient } from "./openai-moderation.js";

export function createModerationClient(settings: ModerationSettings): ModerationClient | undefined {
  if (settings.provider === "off") return undefined;
  return new OpenAIModerationClient({
    client: new OpenAI({
      apiKey: settings.apiKey ?? "not-needed",
      baseURL: settings.baseURL,
      // One quick retry at most: a student waits on this call, and an outage lets the turn through unchecked anyway.
      maxRetries: Math.min(settings.maxRetries, 1),
      timeout: Math.min(settings.timeoutMs, 10_000),
    }),
  });
}
