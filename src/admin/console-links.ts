// What the bots use to hand a moderator a link into the console: signed, scoped, 15 minutes, single use.

import type { ConsoleLinkRequest, ConsoleLinks } from "../bot/console-links.js";
import { signLink } from "./signed-link.js";
import type { ConsoleScope } from "./scope.js";

export type { ConsoleLinkRequest, ConsoleLinks };
export { flagsPageLink } from "../bot/console-links.js";

export class SignedConsoleLinks implements ConsoleLinks {
  constructor(
    private readonly options: { readonly secret: string; readonly publicUrl: string; readonly now?: () => number },
  ) {}

  linkFor(request: ConsoleLinkRequest): string {
    const scope: ConsoleScope =
      request.conversationId === undefined
        ? { kind: "workspace", platform: request.platform, workspace: request.workspace }
        : { kind: "conversation", conversationId: request.conversationId, platform: request.platform, workspace: request.workspace };
    const path =
      request.page === "flags" ? "/flags" : request.conversationId === undefined ? "/conversations" : `/conversations/${request.conversationId}`;
    const token = signLink(this.options.secret, { scope, actor: { id: `${request.platform}:${request.moderator.id}`, name: request.moderator.name }, path, now: (this.options.now ?? Date.now)() });
    return new URL(`/auth?t=${token}`, this.options.publicUrl).toString();
  }
}
