-- 0021_search_mark: the search index's queue becomes a mark. Every message whose id is at or below
-- search_progress.indexed_through is in messages_fts (if it is user or assistant text); newer ones wait for the next
-- pass (src/store/search-index.ts), which indexes them in id order and moves the mark. Why: 0020's queue row was one
-- more b-tree page in every commit that stores a message (three of a turn's six); a mark is read, never written, on
-- the turn's path. Deleting or rewriting a message keeps the index exact as before: at or below the mark the triggers
-- remove (and re-add) its words; above it there is nothing to undo, and the pass indexes whatever the text is then.

-- What 0020 left waiting is indexed now, so the mark starts with everything indexed.
INSERT INTO messages_fts (rowid, text)
  SELECT m.id, m.text FROM search_backlog b JOIN messages m ON m.id = b.message_id
  WHERE m.role IN ('user', 'assistant') AND m.text <> '' ORDER BY b.message_id;

DROP TRIGGER search_backlog_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE search_backlog;

CREATE TABLE search_progress (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_through INTEGER NOT NULL -- a messages.id: every message up to it is in messages_fts
) STRICT;
INSERT INTO search_progress (id, indexed_through) SELECT 1, coalesce(max(id), 0) FROM messages;

-- messages.id is a rowid, so a new message takes an id at or below the mark only when the newest messages were
-- deleted meanwhile (forget-user): the pass would never reach it, so it is indexed at once.
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.id <= (SELECT indexed_through FROM search_progress WHERE id = 1) AND new.role IN ('user', 'assistant') AND new.text <> ''
BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Fires for direct deletes (forget-user) and for ON DELETE CASCADE from conversations (retention, forget).
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.id <= (SELECT indexed_through FROM search_progress WHERE id = 1) AND old.role IN ('user', 'assistant') AND old.text <> ''
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- An indexed message is re-indexed now with its new text; a newer one is indexed by the pass with whatever it says then.
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, role ON messages
  WHEN old.id <= (SELECT indexed_through FROM search_progress WHERE id = 1)
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.role IN ('user', 'assistant') AND old.text <> '';
  INSERT INTO messages_fts (rowid, text)
    SELECT new.id, new.text WHERE new.role IN ('user', 'assistant') AND new.text <> '';
END;
