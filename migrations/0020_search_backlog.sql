-- 0020_search_backlog: the console's full-text index is filled off the turn's path. A new message's id goes to a
-- backlog (one small append) instead of into messages_fts (a new FTS5 segment with every commit, ~20% of a turn);
-- the store indexes the backlog in batches (src/store/search-backlog.ts), and every search catches it up first.
-- Deleting or rewriting a message still keeps the index exact: a backlog row is dropped or left to be indexed with
-- the current text; an indexed row is removed from the index with the text it was indexed with, as before.

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TABLE search_backlog (
  message_id INTEGER PRIMARY KEY  -- a messages.id not yet in messages_fts (only user and assistant text is queued)
) STRICT;

CREATE TRIGGER search_backlog_insert AFTER INSERT ON messages
  WHEN new.role IN ('user', 'assistant') AND new.text <> ''
BEGIN
  INSERT INTO search_backlog (message_id) VALUES (new.id);
END;

-- Fires for direct deletes (forget-user) and for ON DELETE CASCADE from conversations (retention, forget).
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.role IN ('user', 'assistant') AND old.text <> ''
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE NOT EXISTS (SELECT 1 FROM search_backlog WHERE message_id = old.id);
  DELETE FROM search_backlog WHERE message_id = old.id;
END;

-- A message still in the backlog is indexed later with whatever its text is then; an indexed one is re-indexed now.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, role ON messages
  WHEN NOT EXISTS (SELECT 1 FROM search_backlog WHERE message_id = old.id)
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.role IN ('user', 'assistant') AND old.text <> '';
  INSERT INTO messages_fts (rowid, text)
    SELECT new.id, new.text WHERE new.role IN ('user', 'assistant') AND new.text <> '';
END;
