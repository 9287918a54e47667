-- 0003_received_events: an inbound event is written here the moment it arrives, before the adapter does any network
-- work to make a message of it (look up the student's name, open the thread, post the question's root). Its event id
-- is recorded in inbound_events in the same transaction (dedupe). The row is deleted in the transaction that stores the
-- message or queues it in the inbox; one still here after a crash is handed back to its adapter to finish at start.

CREATE TABLE received_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- arrival order
  platform    TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  workspace   TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,                  -- so that forgetting a user reaches events still being received
  payload     TEXT    NOT NULL,                  -- the adapter's own JSON: what it needs to finish the event
  received_at INTEGER NOT NULL
) STRICT;

CREATE INDEX received_events_user ON received_events (platform, user_id);
