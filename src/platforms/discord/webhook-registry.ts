// One webhook per parent channel, owned by the bot: found or created once (even under concurrent first use), replaced
// when Discord says it is gone, and a fallback to posting as the bot where Manage Webhooks is missing.

import { RESTJSONErrorCodes } from "discord.js";
import type { Logger } from "pino";
import { discordErrorCode } from "./errors.js";

/** What the registry reads of a webhook (a discord.js Webhook satisfies it). */
export interface ReplyWebhook {
  readonly id: string;
  readonly token: string | null;
  readonly applicationId: string | null;
  readonly owner: { readonly id: string } | null;
  isIncoming(): boolean;
}

/** How replies reach a channel: through the bot's webhook, or as the bot itself. */
export type ReplyRoute<W extends ReplyWebhook> = { readonly kind: "webhook"; readonly webhook: W } | { readonly kind: "bot" };

/** The part of a text channel the registry uses (a discord.js TextChannel satisfies it). */
export interface WebhookChannel<W extends ReplyWebhook> {
  readonly id: string;
  fetchWebhooks(): Promise<ReadonlyMap<string, W>>;
  createWebhook(options: { name: string; reason?: string }): Promise<W>;
}

export interface WebhookRegistryOptions {
  readonly applicationId: string;
  readonly botUserId: string;
  /** The name of created webhooks (each message then sets its own username). */
  readonly webhookName: string;
  readonly logger: Logger;
  /** After a permission refusal, ask again after this long (a moderator may grant it). Default 10 minutes. */
  readonly recheckDeniedAfterMs?: number;
  readonly now?: () => number;
}

export class WebhookRegistry<W extends ReplyWebhook> {
  private readonly routes = new Map<string, Promise<ReplyRoute<W>>>();
  /** The webhook each settled route uses, to tell a stale "unknown webhook" report from a fresh one. */
  private readonly webhookIds = new Map<string, string>();
  private readonly deniedAt = new Map<string, number>();
  private readonly warned = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: WebhookRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The route for a parent channel; concurrent callers share one lookup, so at most one webhook is created. */
  routeFor(channel: WebhookChannel<W>): Promise<ReplyRoute<W>> {
    const denied = this.deniedAt.get(channel.id);
    if (denied !== undefined && this.now() - denied >= (this.options.recheckDeniedAfterMs ?? 600_000)) {
      this.deniedAt.delete(channel.id);
      this.routes.delete(channel.id);
    }
    let route = this.routes.get(channel.id);
    if (route === undefined) {
      const pending = this.resolve(channel);
      route = pending;
      this.routes.set(channel.id, pending);
      // A failed lookup (network, 5xx) is not remembered: the next reply tries again.
      pending.catch(() => {
        if (this.routes.get(channel.id) === pending) this.routes.delete(channel.id);
      });
    }
    return route;
  }

  /** Discord answered 10015 for this webhook: drop it, unless another reply already replaced it. */
  forget(channelId: string, webhookId: string): void {
    if (this.webhookIds.get(channelId) !== webhookId) return;
    this.webhookIds.delete(channelId);
    this.routes.delete(channelId);
  }

  private async resolve(channel: WebhookChannel<W>): Promise<ReplyRoute<W>> {
    const { applicationId, botUserId, webhookName, logger } = this.options;
    try {
      const hooks = await channel.fetchWebhooks();
      const own = [...hooks.values()].find(
        (hook) => hook.isIncoming() && hook.token !== null && (hook.applicationId === applicationId || hook.owner?.id === botUserId),
      );
      const webhook =
        own ?? (await channel.createWebhook({ name: webhookName, reason: "Baton posts each tutor's replies under the tutor's name" }));
      if (own === undefined) logger.info({ channelId: channel.id, webhookId: webhook.id }, "discord: created the reply webhook");
      this.webhookIds.set(channel.id, webhook.id);
      return { kind: "webhook", webhook };
    } catch (error) {
      if (discordErrorCode(error) !== RESTJSONErrorCodes.MissingPermissions) throw error;
      this.deniedAt.set(channel.id, this.now());
      if (!this.warned.has(channel.id)) {
        this.warned.add(channel.id);
        logger.warn(
          { channelId: channel.id, code: RESTJSONErrorCodes.MissingPermissions },
          "discord: the bot lacks the Manage Webhooks permission here, so replies are posted as the bot with the agent's name in bold; grant Manage Webhooks to show each agent's own name and avatar",
        );
      }
      return { kind: "bot" };
    }
  }
}
