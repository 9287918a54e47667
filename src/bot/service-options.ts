// The ConversationService's options: the stores, the workflows, the limits and the optional parts (safety, files).

import type { Logger } from "pino";
import type { Workflow } from "../workflow/workflow.js";
import type { AttachmentLimits } from "./attachments/types.js";
import type { SafetyOptions } from "./classroom-safety.js";
import type { RetryPolicy } from "./delivery-retry.js";
import type { AgentPresentation } from "./ports.js";
import type { ReplyImages } from "./reply-images.js";
import type { StorePort } from "./store-port.js";

export interface ServiceLimits {
  readonly maxInputChars: number;
  readonly historyMessages: number;
  readonly historyTokens: number;
  readonly rateLimitPerMinute: number;
  readonly retentionDays?: number;
}

export interface ConversationServiceOptions {
  /** The bot's store: everything the service reads and writes (intake, turns, replies, recovery, safety, moderators' reads). */
  readonly storePort: StorePort;
  /** A student whose message is still not saved after this long (database locked) is told it is kept. Default 15 s. */
  readonly slowSaveNoticeMs?: number;
  /** The default workflow: conversations in a channel without an override. */
  readonly workflow: Workflow;
  /** By channel id (the conversation key's channel), the workflows of channels with an override (agents.yaml `channels:`). */
  readonly channelWorkflows?: ReadonlyMap<string, Workflow>;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly limits: ServiceLimits;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Moderation, flags, alerts and usage caps (src/bot/classroom-safety.ts); without it, none of them. */
  readonly safety?: SafetyOptions;
  /** A turn interrupted by a crash is run again this many times in all before it is marked failed. Default 2. */
  readonly maxTurnAttempts?: number;
  /** Delivery attempts of one reply (made in-process, with backoff) before it is marked failed. Default 5. */
  readonly maxDeliveryAttempts?: number;
  /** The backoff between delivery attempts. Default: from 1 s, doubling, at most 30 s. */
  readonly deliveryRetry?: RetryPolicy;
  /** Students' files (photos, PDFs, text files): without it, attachments are left out and only the text is read. */
  readonly attachments?: { readonly limits: AttachmentLimits };
  /** Renders replies' display math, stored with their messages (with `attachments`) so moderators see the images. */
  readonly replyImages?: ReplyImages;
}
