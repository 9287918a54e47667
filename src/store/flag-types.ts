// The flags table's row types: what moderation found in a student's message or an agent's answer, and what was done.

// The flag's own types belong to the bot (its store port's records); re-exported for the store's classes.
export type { FlagAction, FlagAlertState, FlagReplacementState, FlagRow, FlagSeverity, FlagSource, ListFlagsOptions, NewFlag, UsageDelta, TurnAnswer, UsageTotal, WithheldReply } from "../bot/store-records.js";
