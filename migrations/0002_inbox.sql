-- 0002_inbox: inbound messages are written here on arrival, before they wait for their conversation's turn, so a
-- message queued behind a running turn survives a crash. A row is deleted in the same transaction that stores the
-- user message it carries (messages keep arrival order per conversation because turns run one at a time).

CREATE TABLE inbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- arrival order
  platform    TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,                  -- so that forgetting a user reaches messages still waiting here
  payload     TEXT    NOT NULL,                  -- the InboundMessage as JSON
  received_at INTEGER NOT NULL
) STRICT;

CREATE INDEX inbox_user ON inbox (platform, user_id);
