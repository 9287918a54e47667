// What the console needs from storage (owned here, implemented by src/store/console/): every read takes the scope.

import type {
  AccessEntry,
  AccessRecord,
  AttachmentContent,
  ConsoleScope,
  ConversationDetail,
  ConversationPage,
  ConversationQuery,
  FlagRecord,
  SessionRecord,
  UsageBreakdown,
} from "../store/console/types.js";

export type * from "../store/console/types.js";

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
