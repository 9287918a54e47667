// What the console needs from storage, owned here and implemented by src/store/console/ (SqliteConsoleStore): the
// records it reads and writes, and the store interface, where every read takes the session's scope.

/** What a console session may read: everything (operator), one server/workspace, or one conversation. */
export type ConsoleScope =
  | { readonly kind: "all" }
  | { readonly kind: "workspace"; readonly platform: string; readonly workspace: string }
  | { readonly kind: "conversation"; readonly conversationId: number; readonly platform: string; readonly workspace: string };

/** Who holds a session: a platform moderator ("discord:123") or the operator who signed in with ADMIN_TOKEN. */
export interface ConsoleActor {
  readonly id: string;
  readonly name: string;
}

export interface SessionRecord {
  readonly tokenHash: string;
  readonly scope: ConsoleScope;
  readonly actor: ConsoleActor;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface AccessEntry {
  readonly at: number;
  readonly actor: ConsoleActor;
  readonly scope: string;
  readonly action: string;
  readonly conversationId?: number;
}

export type ConversationStatusFilter = "answered" | "failed" | "flagged" | "unreviewed";

export interface ConversationQuery {
  readonly scope: ConsoleScope;
  readonly platform?: string;
  readonly workspace?: string;
  readonly channel?: string;
  /** A student's user id, or part of their display name. */
  readonly student?: string;
  /** An agent that answered or was handed the conversation. */
  readonly agent?: string;
  /** Last activity from (inclusive) and before (exclusive), unix ms. */
  readonly from?: number;
  readonly to?: number;
  readonly status?: ConversationStatusFilter;
  /** Full-text search over message text (words, all must match; the last may be a prefix). */
  readonly search?: string;
  readonly offset: number;
  readonly limit: number;
}

/** What the console shows of any conversation: its place and its times. */
export interface ConsoleConversationSummary {
  readonly id: number;
  readonly platform: string;
  readonly workspace: string;
  readonly channel: string;
  readonly thread: string;
  readonly activeAgent: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ConversationListItem extends ConsoleConversationSummary {
  readonly messageCount: number;
  readonly students: readonly string[];
  readonly failedTurns: number;
  readonly openFlags: number;
  /** With a search: the best-matching message's text around the match, with \uE000…\uE001 around matched words. */
  readonly snippet?: string;
}

export interface ConversationPage {
  readonly items: readonly ConversationListItem[];
  readonly hasMore: boolean;
}

export interface AttachmentSummary {
  readonly id: number;
  /** upload: a person sent it; rendered: Baton made it (e.g. display math). */
  readonly origin: "upload" | "rendered";
  readonly name: string;
  readonly mediaType: string;
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
  /** An image's alt text, or a rendered formula's TeX source. */
  readonly altText?: string;
}

export interface FlagRecord {
  readonly id: number;
  readonly conversationId: number;
  readonly messageId: number | undefined;
  readonly severity: string;
  readonly categories: readonly string[];
  readonly action: string;
  readonly source: string;
  readonly excerpt: string;
  readonly createdAt: number;
  readonly reviewedBy: string | undefined;
  readonly reviewedAt: number | undefined;
  /** The student whose turn it was: display name, else user id. */
  readonly student: string | undefined;
}

export interface MessageRecord {
  readonly id: number;
  readonly seq: number;
  readonly role: "user" | "assistant" | "tool" | "system";
  readonly authorAgent: string | undefined;
  readonly userId: string | undefined;
  readonly userName: string | undefined;
  readonly text: string;
  readonly promptTokens: number | undefined;
  readonly completionTokens: number | undefined;
  readonly turnStatus: "pending" | "completed" | "failed" | undefined;
  readonly errorCode: string | undefined;
  readonly createdAt: number;
  readonly attachments: readonly AttachmentSummary[];
}

export interface ConsoleHandoff {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly messageId: number | undefined;
  readonly createdAt: number;
}

export interface AccessRecord {
  readonly at: number;
  readonly actorId: string;
  readonly actorName: string;
  readonly scope: string;
  readonly action: string;
}

export interface ConversationDetail extends ConsoleConversationSummary {
  readonly messages: readonly MessageRecord[];
  readonly handoffs: readonly ConsoleHandoff[];
  readonly flags: readonly FlagRecord[];
}

/** Tokens of one model, as usage_daily records them. */
export interface ModelTokens {
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface UsageBreakdownRow {
  /** The day (YYYY-MM-DD, UTC), the "platform workspace", or the agent name. */
  readonly key: string;
  /** Students with usage (day and workspace rows), or agent replies (agent rows). */
  readonly count: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Per model when the row comes from usage_daily; empty for rows summed from stored replies (no model is stored). */
  readonly models: readonly ModelTokens[];
}

/**
 * Per day and per workspace from usage_daily (what the caps count: per model, and kept when retention deletes the
 * conversations); per agent from the stored replies' tokens, the only place the agent is recorded. A conversation
 * scope has no rows in usage_daily: all three then come from its replies.
 */
export interface UsageBreakdown {
  readonly source: "usage_daily" | "replies";
  readonly byDay: readonly UsageBreakdownRow[];
  readonly byWorkspace: readonly UsageBreakdownRow[];
  readonly byAgent: readonly UsageBreakdownRow[];
}

export interface AttachmentContent {
  readonly conversationId: number;
  readonly platform: string;
  readonly workspace: string;
  readonly name: string;
  readonly mediaType: string;
  readonly data: Uint8Array;
}

/** U+E000 and U+E001 (private use) mark matches in snippets: they survive HTML escaping, unlike any markup. */
export const MATCH_START = "\uE000";
export const MATCH_END = "\uE001";

export interface ConsoleStore {
  /** Which optional tables exist (flags, from the safety migration). */
  readonly features: { readonly flags: boolean };

  /** Records a link's nonce; false if it was already used. */
  useLink(nonce: string, expiresAt: number, now: number): Promise<boolean>;
  createSession(session: SessionRecord): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Drops expired sessions and used-link records. */
  pruneExpired(now: number): Promise<void>;

  recordAccess(entry: AccessEntry): Promise<void>;
  accessLog(conversationId: number, limit: number): Promise<readonly AccessRecord[]>;

  listConversations(query: ConversationQuery): Promise<ConversationPage>;
  /** Undefined when it does not exist or is outside the scope. */
  conversation(scope: ConsoleScope, id: number): Promise<ConversationDetail | undefined>;
  /** The distinct platforms, workspaces and channels the scope can see (for the filter form). */
  filterChoices(scope: ConsoleScope): Promise<{ platforms: string[]; workspaces: string[]; channels: string[]; agents: string[] }>;

  /** Open flags first, then by severity and newest; empty without the flags table. */
  listFlags(scope: ConsoleScope, options: { includeReviewed: boolean; limit: number }): Promise<readonly FlagRecord[]>;
  /** Undefined if the flag does not exist or is outside the scope; `changed` is false if it was already reviewed. */
  markFlagReviewed(
    scope: ConsoleScope,
    flagId: number,
    reviewer: string,
    now: number,
  ): Promise<{ conversationId: number; changed: boolean } | undefined>;

  usage(scope: ConsoleScope, range: { from: number; to: number }): Promise<UsageBreakdown>;
  /** Undefined when it does not exist or is outside the scope. */
  attachment(scope: ConsoleScope, id: number): Promise<AttachmentContent | undefined>;
}
