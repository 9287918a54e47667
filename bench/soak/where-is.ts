// Where a lost question ended up in the bot's database: the soak reports a loss with its trail, never a bare count.

import BetterSqlite3 from "better-sqlite3";

/** One line per question: whether its event was seen, received, queued, stored, and what became of its turn and replies. */
export function whereIs(databasePath: string, questions: ReadonlyArray<{ tag: string; eventId: string; thread: string }>): string[] {
  const db = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
  try {
    const seen = db.prepare("SELECT 1 FROM inbound_events WHERE event_id = ?");
    const received = db.prepare("SELECT 1 FROM received_events WHERE event_id = ?");
    const queued = db.prepare("SELECT 1 FROM inbox WHERE event_id = ?");
    const conversation = db.prepare("SELECT id FROM conversations WHERE thread = ?");
    const message = db.prepare("SELECT turn_status, turn_attempts, error_code FROM messages WHERE conversation_id = ? AND role = 'user'");
    const outbox = db.prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE conversation_id = ? GROUP BY status");
    return questions.map((q) => {
      const facts = [seen.get(q.eventId) ? "event seen" : "event never seen", received.get(q.eventId) ? "still received, unfinished" : "", queued.get(q.eventId) ? "in the inbox" : ""];
      const row = conversation.get(q.thread) as { id: number } | undefined;
      if (row === undefined) facts.push("no conversation");
      else {
        const messages = message.all(row.id) as Array<{ turn_status: string | null; turn_attempts: number; error_code: string | null }>;
        facts.push(messages.length === 0 ? "no message stored" : messages.map((m) => `turn ${m.turn_status} (${m.turn_attempts} attempts${m.error_code ? `, ${m.error_code}` : ""})`).join(", "));
        const replies = outbox.all(row.id) as Array<{ status: string; n: number }>;
        facts.push(replies.length === 0 ? "no replies in the outbox" : `outbox ${replies.map((r) => `${r.n} ${r.status}`).join(", ")}`);
      }
      return `${q.tag}: ${facts.filter((f) => f !== "").join("; ")}`;
    });
  } finally {
    db.close();
  }
}
