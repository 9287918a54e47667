// The console's conversation list: newest first, paged, filtered, and searched through the FTS5 index.

import type { Database, Statement } from "better-sqlite3";
import { MATCH_END, MATCH_START, type ConsoleScope, type ConversationListItem, type ConversationPage, type ConversationQuery } from "../../admin/ports.js";
import { conversationSummary, type ConsoleConversationRow } from "./conversation-row.js";
import { QUEUED_FLAG } from "./flag-queries.js";
import { ftsQuery, scopeSql } from "./scope-sql.js";
import { SearchIndex } from "../search-index.js";

interface ListRow extends ConsoleConversationRow {
  message_count: number;
  students: string;
  failed_turns: number;
  open_flags: number;
}

type Param = string | number;


export class ListingQueries {
  /** One prepared statement per filter shape (a handful in practice), so SQLite plans each with the right indexes. */
  private readonly statements = new Map<string, Statement<Param[], ListRow>>();
  private readonly snippet: Statement<[string, number], string>;
  private readonly searchIndex: SearchIndex;

  constructor(
    private readonly db: Database,
    private readonly hasFlags: boolean,
  ) {
    this.searchIndex = new SearchIndex(db);
    this.snippet = db
      .prepare<[string, number], string>(
        `SELECT snippet(messages_fts, 0, '${MATCH_START}', '${MATCH_END}', '…', 16) FROM messages_fts
         JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts MATCH ? AND m.conversation_id = ? ORDER BY rank LIMIT 1`,
      )
      .pluck();
  }

  list(query: ConversationQuery): ConversationPage {
    const where: string[] = [];
    const params: Param[] = [];
    const add = (sql: string, ...values: Param[]): void => {
      where.push(sql);
      params.push(...values);
    };
    const scope = scopeSql(query.scope);
    add(scope.sql, ...scope.params);
    if (query.platform !== undefined) add("c.platform = ?", query.platform);
    if (query.workspace !== undefined) add("c.workspace = ?", query.workspace);
    if (query.channel !== undefined) add("c.channel = ?", query.channel);
    if (query.from !== undefined) add("c.updated_at >= ?", query.from);
    if (query.to !== undefined) add("c.updated_at < ?", query.to);
    if (query.student !== undefined) {
      add(
        "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.role = 'user' " +
          "AND (m.user_id = ? OR m.user_name LIKE ? ESCAPE '\\'))",
        query.student,
        `%${likeEscape(query.student)}%`,
      );
    }
    if (query.agent !== undefined) {
      add(
        "(c.active_agent = ? OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.role = 'assistant' " +
          "AND m.author_agent = ?) OR EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id AND h.to_agent = ?))",
        query.agent,
        query.agent,
        query.agent,
      );
    }
    switch (query.status) {
      case "answered":
        add(
          "(SELECT m.turn_status FROM messages m WHERE m.conversation_id = c.id AND m.turn_status IS NOT NULL " +
            "ORDER BY m.seq DESC LIMIT 1) = 'completed'",
        );
        break;
      case "failed":
        add("EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.turn_status = 'failed')");
        break;
      case "flagged":
        add(this.hasFlags ? `EXISTS (SELECT 1 FROM flags f WHERE f.conversation_id = c.id AND ${QUEUED_FLAG})` : "0");
        break;
      case "unreviewed":
        add(
          this.hasFlags
            ? `EXISTS (SELECT 1 FROM flags f WHERE f.conversation_id = c.id AND f.reviewed_at IS NULL AND ${QUEUED_FLAG})`
            : "0",
        );
        break;
      case undefined:
        break;
    }
    const match = query.search === undefined ? undefined : ftsQuery(query.search);
    if (query.search !== undefined) {
      if (match === undefined) return { items: [], hasMore: false };
      // Messages stored since the last indexing pass are searchable too: the search indexes them first.
      this.searchIndex.catchUp();
      add(
        "c.id IN (SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid " +
          "WHERE messages_fts MATCH ?)",
        match,
      );
    }
    const rows = this.statement(where.join(" AND ")).all(...params, query.limit + 1, query.offset);
    const items = rows.slice(0, query.limit).map((row) => this.toItem(row, match));
    return { items, hasMore: rows.length > query.limit };
  }

  /** What the filter form offers: values the scope can see. */
  choices(scope: ConsoleScope): { platforms: string[]; workspaces: string[]; channels: string[]; agents: string[] } {
    const { sql, params } = scopeSql(scope);
    const column = (expression: string, from = "conversations c"): string[] =>
      this.db
        .prepare<Param[], string>(`SELECT DISTINCT ${expression} AS v FROM ${from} WHERE ${sql} AND v IS NOT NULL ORDER BY v LIMIT 200`)
        .pluck()
        .all(...params);
    return {
      platforms: column("c.platform"),
      workspaces: column("c.workspace"),
      channels: column("c.channel"),
      agents: column("m.author_agent", "messages m JOIN conversations c ON c.id = m.conversation_id"),
    };
  }

  private statement(where: string): Statement<Param[], ListRow> {
    let statement = this.statements.get(where);
    if (statement === undefined) {
      const openFlags = this.hasFlags
        ? `(SELECT count(*) FROM flags f WHERE f.conversation_id = c.id AND f.reviewed_at IS NULL AND ${QUEUED_FLAG})`
        : "0";
      statement = this.db.prepare<Param[], ListRow>(`
        SELECT c.id, c.platform, c.workspace, c.channel, c.thread, c.active_agent, c.created_at, c.updated_at,
          (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.role IN ('user', 'assistant')) AS message_count,
          (SELECT json_group_array(name) FROM (SELECT DISTINCT coalesce(m.user_name, m.user_id) AS name FROM messages m
            WHERE m.conversation_id = c.id AND m.role = 'user' LIMIT 5)) AS students,
          (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.turn_status = 'failed') AS failed_turns,
          ${openFlags} AS open_flags
        FROM conversations c
        WHERE ${where}
        ORDER BY c.updated_at DESC, c.id DESC
        LIMIT ? OFFSET ?`);
      this.statements.set(where, statement);
    }
    return statement;
  }

  private toItem(row: ListRow, match: string | undefined): ConversationListItem {
    const snippet = match === undefined ? undefined : this.snippet.get(match, row.id);
    return {
      ...conversationSummary(row),
      messageCount: row.message_count,
      students: (JSON.parse(row.students) as (string | null)[]).filter((s): s is string => s !== null),
      failedTurns: row.failed_turns,
      openFlags: row.open_flags,
      ...(snippet !== undefined && { snippet }),
    };
  }
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
