-- 0008_console: the moderators' web console — full-text search over message text (kept in sync by triggers, so
-- forget-user and retention, which delete messages, empty it too), single-use sign-in links, sessions, the access log.

-- External content: the index points at messages.id and reads the text from messages, so the text is not stored twice.
-- Only what a moderator reads is indexed: user and assistant messages with text (tool results are not).
CREATE VIRTUAL TABLE messages_fts USING fts5(
  text,
  content = 'messages',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO messages_fts (rowid, text)
  SELECT id, text FROM messages WHERE role IN ('user', 'assistant') AND text <> '';

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.role IN ('user', 'assistant') AND new.text <> ''
BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Fires for direct deletes (forget-user) and for ON DELETE CASCADE from conversations (retention, forget).
-- An external-content index must be told the exact text that was indexed, hence the same WHEN as the insert.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.role IN ('user', 'assistant') AND old.text <> ''
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, role ON messages
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.role IN ('user', 'assistant') AND old.text <> '';
  INSERT INTO messages_fts (rowid, text)
    SELECT new.id, new.text WHERE new.role IN ('user', 'assistant') AND new.text <> '';
END;

-- A signed link's nonce, recorded when the link is used: a second use finds it here and is refused.
CREATE TABLE console_used_links (
  nonce      TEXT    PRIMARY KEY,
  used_at    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL  -- the link's own expiry: past it the row can go (the signature check refuses it anyway)
) STRICT, WITHOUT ROWID;

CREATE INDEX console_used_links_expiry ON console_used_links (expires_at);

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the database opens no session.
CREATE TABLE console_sessions (
  token_hash TEXT    PRIMARY KEY,
  scope      TEXT    NOT NULL,  -- JSON: { kind: 'all' } | { kind: 'workspace', … } | { kind: 'conversation', … }
  actor_id   TEXT    NOT NULL,  -- 'discord:<user id>', 'slack:<user id>', 'operator'
  actor_name TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Who read what, when. It outlives a forgotten conversation (the id becomes NULL) as an audit trail without its text.
CREATE TABLE console_access_log (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  actor_id        TEXT    NOT NULL,
  actor_name      TEXT    NOT NULL,
  scope           TEXT    NOT NULL,  -- the session's scope, as a label ('discord server 123', 'conversation #4', 'all')
  action          TEXT    NOT NULL,  -- 'sign-in', 'list', 'view', 'export-md', 'export-json', 'attachment', 'review', …
  conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX console_access_conversation ON console_access_log (conversation_id, id) WHERE conversation_id IS NOT NULL;
CREATE INDEX console_access_at ON console_access_log (at);
