-- 0005_reply_streams: a reply streamed onto its platform while the model writes it. The row is written as soon as the
-- first piece is posted (before the model has finished, so before the reply's outbox row exists) and keeps the ids of
-- every piece posted; the step's commit links it to its outbox row. After a crash, recovery finishes these messages
-- (edits them to the committed text, or stops the stream with it) instead of posting the reply again.
-- The text is never stored here: SQLite only ever holds the model's final text (in messages and outbox).

CREATE TABLE reply_streams (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- The student's message whose turn is being answered: a turn run again after a crash finds its streams by it.
  turn_message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  agent_name      TEXT    NOT NULL,
  pieces          TEXT    NOT NULL, -- JSON array of the platform's message ids (Discord ids, Slack ts), in order
  outbox_id       INTEGER REFERENCES outbox (id) ON DELETE CASCADE, -- NULL until the step is committed
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX reply_streams_turn ON reply_streams (turn_message_id) WHERE outbox_id IS NULL;
CREATE UNIQUE INDEX reply_streams_outbox ON reply_streams (outbox_id);
