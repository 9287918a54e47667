// Turns a console scope into a WHERE clause on conversations: every console query is bounded by it.

import type { ConsoleScope } from "../../admin/ports.js";

export interface SqlPart {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/** `alias` is the conversations table's alias in the query. */
export function scopeSql(scope: ConsoleScope, alias = "c"): SqlPart {
  switch (scope.kind) {
    case "all":
      return { sql: "1", params: [] };
    case "workspace":
      return { sql: `${alias}.platform = ? AND ${alias}.workspace = ?`, params: [scope.platform, scope.workspace] };
    case "conversation":
      return { sql: `${alias}.id = ?`, params: [scope.conversationId] };
  }
}

/** The words of a moderator's search as an FTS5 query: each quoted (no operator injection), the last a prefix. */
export function ftsQuery(search: string): string | undefined {
  const words = search.match(/[\p{L}\p{N}_]+/gu);
  if (words === null) return undefined;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}
