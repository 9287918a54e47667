// Builds the service's safety options from settings and the roster's `safety:` section; warns when moderation is off.

import type { Logger } from "pino";
import type { SafetyOptions } from "../bot/classroom-safety.js";
import type { ModerationClient } from "../bot/moderation-port.js";
import type { FlagRepository, SafetyAlertRepository, UsageRepository, WithheldRepository } from "../bot/store-port.js";
import type { Roster } from "../config/agents-file.js";
import { DEFAULT_MODEL_PRICES, MODERATION_DISABLED_NOTICE, MODERATION_OFF_WARNING, type SafetySettings } from "../config/safety-settings.js";
import { resolveSafetyPolicy } from "../config/safety-policy.js";
import type { LlmSettings } from "../llm/create-chat-client.js";
import { createModerationClient } from "../llm/create-moderation-client.js";
import type { ChatClient } from "../workflow/chat-client.js";

export interface SafetyWiring {
  readonly flags: FlagRepository;
  readonly usage: UsageRepository;
  readonly alerts: SafetyAlertRepository;
  readonly withheld: WithheldRepository;
  readonly roster: Roster;
  /** Absent: moderation off, no caps, the built-in prices (the library's default; the CLI always passes settings). */
  readonly settings: SafetySettings | undefined;
  /** A ready moderation client (tests, benchmarks) instead of the one the settings describe. */
  readonly moderation?: ModerationClient;
  readonly llm: LlmSettings | ChatClient;
  readonly logger: Logger;
}

export function safetyOptions(wiring: SafetyWiring): SafetyOptions {
  const { settings, logger } = wiring;
  if (settings?.moderation.provider === "off") {
    if (settings.moderation.reason === "no_key") logger.warn(MODERATION_OFF_WARNING);
    else logger.info(MODERATION_DISABLED_NOTICE);
  }
  const moderation = wiring.moderation ?? (settings === undefined ? undefined : createModerationClient(settings.moderation));
  return {
    moderation,
    policy: resolveSafetyPolicy(wiring.roster.safety),
    flags: wiring.flags,
    usage: wiring.usage,
    alerts: wiring.alerts,
    withheld: wiring.withheld,
    caps: settings?.caps ?? {},
    model: modelName(wiring.llm),
    prices: settings?.prices ?? DEFAULT_MODEL_PRICES,
  };
}

function modelName(llm: LlmSettings | ChatClient): string {
  if (!("provider" in llm)) return "model" in llm && typeof llm.model === "string" ? llm.model : "unknown";
  switch (llm.provider) {
    case "openai":
      return llm.model;
    case "azure":
      return llm.deployment;
    case "demo":
      return "demo";
  }
}
