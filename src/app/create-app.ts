// The composition root's core: the roster's workflows, the model client and the store, and the ConversationService over them.

import type { Logger } from "pino";
import { ConversationService, type ServiceLimits } from "../bot/conversation-service.js";
import type { RetryPolicy } from "../bot/delivery-retry.js";
import { STUDENT_STOP_TEXTS } from "../bot/turn-runner.js";
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from "../bot/attachments/types.js";
import { ReplyMath } from "../platforms/common/reply-math.js";
import type { ModerationClient } from "../bot/moderation-port.js";
import type { Settings } from "../config/env.js";
import type { SafetySettings } from "../config/safety-settings.js";
import { loadRoster } from "../config/agents-file.js";
import { createChatClient, type LlmSettings } from "../llm/create-chat-client.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { Database } from "../store/database.js";
import type { ChatClient } from "../workflow/chat-client.js";
import type { Workflow } from "../workflow/workflow.js";
import { presentations } from "./agent-presentations.js";
import { openStore } from "./open-store.js";
import { buildRosterWorkflows } from "./roster-workflows.js";
import { safetyOptions } from "./safety-options.js";

export interface ConversationAppOptions {
  readonly databasePath: string;
  readonly agentsFile: string;
  /** Either settings to build the model client from, or a ready client (tests, benchmarks). */
  readonly llm: LlmSettings | ChatClient;
  readonly limits: ServiceLimits;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Message text in the engine's spans (BATON_TRACE_CONTENT=1). */
  readonly traceContent?: boolean;
  /** Moderation, caps and prices (src/config/safety-settings.ts); absent: moderation off, no caps. */
  readonly safety?: SafetySettings;
  /** A ready moderation client instead of the one `safety` describes (tests). */
  readonly moderation?: ModerationClient;
  /** The backoff between attempts to post a reply (tests shorten it). */
  readonly deliveryRetry?: RetryPolicy;
  /**
   * How long one write may block the event loop waiting for another process's lock before it is held and retried
   * off the loop (see WriteGate). Default 50 ms.
   */
  readonly busyTimeoutMs?: number;
  /** A student whose message is still not saved after this long (database locked) is told it is kept. Default 15 s. */
  readonly slowSaveNoticeMs?: number;
  /** What students may attach (src/config/attachment-settings.ts). Default DEFAULT_ATTACHMENT_LIMITS. */
  readonly attachments?: AttachmentLimits;
}

export interface ConversationApp {
  readonly service: ConversationService;
  readonly store: ConversationStore;
  readonly workflow: Workflow;
  readonly db: Database;
  close(): Promise<void>;
}

export function createConversationApp(options: ConversationAppOptions): ConversationApp {
  const roster = loadRoster(options.agentsFile);
  const client = "provider" in options.llm ? createChatClient(options.llm) : options.llm;
  const { workflow, byChannel } = buildRosterWorkflows(roster, client, options.agentsFile, {
    stopTexts: STUDENT_STOP_TEXTS,
    traceContent: options.traceContent ?? false,
  });
  const now = options.now ?? Date.now;
  const { db, storePort, store } = openStore({
    databasePath: options.databasePath,
    busyTimeoutMs: options.busyTimeoutMs ?? 50,
    logger: options.logger,
    now,
  });
  const service = new ConversationService({
    storePort,
    ...(options.slowSaveNoticeMs === undefined ? {} : { slowSaveNoticeMs: options.slowSaveNoticeMs }),
    workflow,
    channelWorkflows: byChannel,
    agents: presentations(workflow),
    limits: options.limits,
    logger: options.logger,
    now,
    safety: safetyOptions({
      flags: storePort.flags,
      usage: storePort.usage,
      alerts: storePort.safetyAlerts,
      withheld: storePort.withheld,
      roster,
      settings: options.safety,
      ...(options.moderation === undefined ? {} : { moderation: options.moderation }),
      llm: options.llm,
      logger: options.logger,
    }),
    ...(options.deliveryRetry === undefined ? {} : { deliveryRetry: options.deliveryRetry }),
    attachments: { limits: options.attachments ?? DEFAULT_ATTACHMENT_LIMITS },
    // Its own formula cache: the adapters render the same formulas again for posting (a few ms each, cold).
    replyImages: new ReplyMath(),
  });
  return {
    service,
    store,
    workflow,
    db,
    async close() {
      await service.close();
      storePort.close();
      db.close();
    },
  };
}

/** The app every CLI command runs on, from the loaded settings. */
export function appFromSettings(settings: Settings, logger: Logger): ConversationApp {
  return createConversationApp({
    databasePath: settings.databasePath,
    agentsFile: settings.agentsFile,
    llm: settings.llm,
    limits: settings.limits,
    safety: settings.safety,
    attachments: settings.attachments,
    logger,
    traceContent: settings.tracing.content,
  });
}
