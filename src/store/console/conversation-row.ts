// The conversations table's own columns as the console reads them, and their mapping to the console's summary.

import type { ConsoleConversationSummary } from "../../admin/ports.js";

export interface ConsoleConversationRow {
  id: number;
  platform: string;
  workspace: string;
  channel: string;
  thread: string;
  active_agent: string | null;
  created_at: number;
  updated_at: number;
}

export function conversationSummary(row: ConsoleConversationRow): ConsoleConversationSummary {
  return {
    id: row.id,
    platform: row.platform,
    workspace: row.workspace,
    channel: row.channel,
    thread: row.thread,
    activeAgent: row.active_agent,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
