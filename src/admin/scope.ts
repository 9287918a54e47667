// What a console session may read: everything (operator), one server/workspace, or one conversation.

import { z } from "zod";
import type { ConsoleActor, ConsoleScope } from "./ports.js";

export type { ConsoleActor, ConsoleScope };

export const ScopeSchema: z.ZodType<ConsoleScope> = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("all") }),
  z.strictObject({ kind: z.literal("workspace"), platform: z.string().min(1), workspace: z.string() }),
  z.strictObject({
    kind: z.literal("conversation"),
    conversationId: z.number().int().positive(),
    platform: z.string().min(1),
    workspace: z.string(),
  }),
]);

export const ActorSchema: z.ZodType<ConsoleActor> = z.strictObject({ id: z.string().min(1), name: z.string() });

const PLATFORM_WORKSPACE: Record<string, string> = { discord: "server", slack: "workspace" };

/** A label for people: "discord server 123", "slack workspace T1 · conversation #4", "every conversation". */
export function describeScope(scope: ConsoleScope): string {
  switch (scope.kind) {
    case "all":
      return "every conversation";
    case "workspace":
      return `${scope.platform} ${PLATFORM_WORKSPACE[scope.platform] ?? "workspace"} ${scope.workspace}`;
    case "conversation":
      return `conversation #${scope.conversationId}`;
  }
}

/** Whether a conversation (by id and where it lives) is inside the scope. */
export function scopeCovers(
  scope: ConsoleScope,
  conversation: { readonly id: number; readonly platform: string; readonly workspace: string },
): boolean {
  switch (scope.kind) {
    case "all":
      return true;
    case "workspace":
      return conversation.platform === scope.platform && conversation.workspace === scope.workspace;
    case "conversation":
      return conversation.id === scope.conversationId;
  }
}
