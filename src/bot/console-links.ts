// The port through which the bots' moderator commands hand out links into the web console (src/admin implements it).

export interface ConsoleLinkRequest {
  readonly platform: string;
  /** The moderator's server/workspace: the link reaches only its conversations. */
  readonly workspace: string;
  /** With it, the link reaches only this conversation. */
  readonly conversationId?: number;
  /** The page it opens (default: the conversation, or the list). */
  readonly page?: "conversations" | "flags";
  /** Who it is for: recorded in the console's access log. */
  readonly moderator: { readonly id: string; readonly name: string };
}

export interface ConsoleLinks {
  /** A signed URL: 15 minutes, single use. */
  linkFor(request: ConsoleLinkRequest): string;
}
