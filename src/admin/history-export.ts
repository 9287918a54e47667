// `npm start -- history NAME --format md|json`: the console's export of one conversation, printed.

import type { AgentPresentation } from "../bot/ports.js";
import { SqliteConsoleStore } from "../store/console/sqlite-console-store.js";
import type { Database } from "../store/database.js";
import { conversationJson, conversationMarkdown, type ExportFormat } from "./conversation-export.js";
import { presentationOf } from "./routes/conversation-routes.js";
import { noCost, type CostEstimator } from "./usage-cost.js";

export const EXPORT_FORMATS: readonly ExportFormat[] = ["md", "json"];

/** "#42" names conversation 42 of any platform; undefined for anything else (a thread name, looked up by the caller). */
export function conversationNumber(name: string): number | undefined {
  const match = /^#([1-9][0-9]{0,15})$/.exec(name.trim());
  return match === null ? undefined : Number(match[1]);
}

/** Exactly what the console's export buttons download; undefined if there is no such conversation. */
export async function exportConversation(options: {
  readonly db: Database;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly conversationId: number;
  readonly format: ExportFormat;
  readonly cost?: CostEstimator;
}): Promise<string | undefined> {
  const detail = await new SqliteConsoleStore(options.db).conversation({ kind: "all" }, options.conversationId);
  if (detail === undefined) return undefined;
  const exportOptions = { agent: presentationOf(options.agents), cost: options.cost ?? noCost };
  return options.format === "md"
    ? conversationMarkdown(detail, exportOptions)
    : `${JSON.stringify(conversationJson(detail, exportOptions), null, 2)}\n`;
}
