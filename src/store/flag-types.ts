// The flags table's row types: what moderation found in a student's message or an agent's answer, and what was done.

// The flag's own types belong to the bot (its store port's records); re-exported for the store's classes.
export type { FlagAction, FlagAlertState, FlagReplacementState, FlagRow, FlagSeverity, FlagSource, NewFlag, UsageDelta, TurnAnswer, UsageTotal, WithheldReply } from "../bot/store-records.js";

export interface ListFlagsOptions {
  readonly platform: string;
  readonly workspace: string;
  /** Defaults to 10. */
  readonly limit?: number;
  /** Reviewed flags too (default: only the ones still to review). */
  readonly includeReviewed?: boolean;
}


