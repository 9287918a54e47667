// Who a Slack user is (display name, admin/owner) from users.info, cached briefly so a busy thread costs one lookup.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";

export interface SlackUserInfo {
  readonly id: string;
  /** The name people see: profile display name, else real name, else the account name. */
  readonly displayName: string;
  readonly isAdmin: boolean;
  readonly isOwner: boolean;
}

export interface UserDirectoryOptions {
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  /** How long an answer is reused; admin rights can change, so not forever. Default 10 minutes. */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly info: SlackUserInfo;
  readonly expires: number;
}

function nonEmpty(...values: ReadonlyArray<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined && value.trim() !== "");
}

export class SlackUserDirectory {
  readonly #client: webApi.WebClient;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Entry>();

  constructor(options: UserDirectoryOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#maxEntries = options.maxEntries ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The user's profile, or undefined when Slack would not say (missing users:read, unknown user, outage). `fresh`
   * asks Slack again whatever is cached: for a decision on rights at the moment it is made.
   */
  async lookup(userId: string, options: { readonly fresh?: boolean } = {}): Promise<SlackUserInfo | undefined> {
    const cached = this.#cache.get(userId);
    if (options.fresh !== true && cached !== undefined && cached.expires > this.#now()) return cached.info;
    try {
      const result = await this.#client.users.info({ user: userId });
      const user = result.user;
      if (user === undefined) return undefined;
      const info: SlackUserInfo = {
        id: userId,
        displayName:
          nonEmpty(user.profile?.display_name, user.profile?.real_name, user.real_name, user.name) ?? userId,
        isAdmin: user.is_admin === true,
        isOwner: user.is_owner === true || user.is_primary_owner === true,
      };
      this.#cache.delete(userId);
      if (this.#cache.size >= this.#maxEntries) {
        const oldest = this.#cache.keys().next().value;
        if (oldest !== undefined) this.#cache.delete(oldest);
      }
      this.#cache.set(userId, { info, expires: this.#now() + this.#ttlMs });
      return info;
    } catch (error) {
      this.#logger.warn({ err: error, user: userId }, "slack users.info failed");
      return undefined;
    }
  }

  /** The user's display name, or `fallback` (else the id) when it cannot be looked up. */
  async displayName(userId: string, fallback?: string): Promise<string> {
    return (await this.lookup(userId))?.displayName ?? nonEmpty(fallback) ?? userId;
  }
}
