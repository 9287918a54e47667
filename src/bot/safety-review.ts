// What the bots' moderator commands read and do about safety: their server's/workspace's flags, reviews, usage.

import type { FlagRow } from "./store-records.js";
import type { UsageReport } from "./usage-meter.js";

/** Every read names its server/workspace: a flag of another one reads as unknown. */
export interface ModeratorScope {
  readonly platform: string;
  readonly workspace: string;
}

export type FlagReviewOutcome =
  | { readonly kind: "reviewed"; readonly flag: FlagRow }
  /** Someone reviewed it first: the flag says who and when. */
  | { readonly kind: "already_reviewed"; readonly flag: FlagRow }
  | { readonly kind: "not_found" };

export interface SafetyReview {
  /** Flags still to review, newest first. */
  openFlags(scope: ModeratorScope, limit: number): Promise<FlagRow[]>;
  /** One flag, only if it belongs to `scope`. */
  flag(scope: ModeratorScope, id: number): Promise<FlagRow | undefined>;
  /** Records who reviewed the flag (`reviewer`, as moderators know them) and when. */
  markReviewed(scope: ModeratorScope, id: number, reviewer: string): Promise<FlagReviewOutcome>;
  usage(scope: ModeratorScope): Promise<UsageReport>;
}
