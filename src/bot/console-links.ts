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

/**
 * The link a /flags (Discord) or /homework-flags (Slack) answer carries: the console's flags page, scoped to the
 * moderator's server/workspace (open flags first, most severe first), signed, 15 minutes, single use.
 */
export function flagsPageLink(
  links: ConsoleLinks,
  request: { readonly platform: string; readonly workspace: string; readonly moderator: ConsoleLinkRequest["moderator"] },
): string {
  return links.linkFor({ platform: request.platform, workspace: request.workspace, moderator: request.moderator, page: "flags" });
}
