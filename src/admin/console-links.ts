// What the bots use to hand a moderator a link into the console: signed, scoped, 15 minutes, single use.

import { signLink } from "./signed-link.js";
import type { ConsoleActor, ConsoleScope } from "./scope.js";

export interface ConsoleLinkRequest {
  /** The moderator's server/workspace; with `conversationId`, only that conversation. */
  readonly platform: string;
  readonly workspace: string;
  readonly conversationId?: number;
  /** "flags" opens the flags page (of the server/workspace). */
  readonly page?: "conversations" | "flags";
  readonly moderator: ConsoleActor;
}

/** The port the adapters see (they know nothing of HMAC or URLs beyond this). */
export interface ConsoleLinks {
  linkFor(request: ConsoleLinkRequest): string;
}

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
    const token = signLink(this.options.secret, { scope, actor: request.moderator, path, now: (this.options.now ?? Date.now)() });
    return new URL(`/auth?t=${token}`, this.options.publicUrl).toString();
  }
}
