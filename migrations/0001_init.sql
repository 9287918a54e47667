-- 0001_init: conversations, their messages and handoffs, the reply outbox and inbound-event dedupe.
-- Never edit this file once it has landed: add 0002_….sql instead (the checksum is verified on every start).
-- Times are unix milliseconds (INTEGER): compact, cheap to compare and index, no time-zone parsing on the hot path.
-- Tables are STRICT so a wrong type is an error at write time, not a surprise at read time.

CREATE TABLE conversations (
  id           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: moderators cite conversation ids
  platform     TEXT    NOT NULL,
  workspace    TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  thread       TEXT    NOT NULL,
  active_agent TEXT,
  status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  last_seq     INTEGER NOT NULL DEFAULT 0,        -- the seq counter: one UPDATE … RETURNING per message, no MAX() lookup
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (platform, workspace, channel, thread)
) STRICT;

CREATE INDEX conversations_listing ON conversations (platform, workspace, channel, updated_at);
CREATE INDEX conversations_retention ON conversations (updated_at);

CREATE TABLE messages (
  id                  INTEGER PRIMARY KEY,
  conversation_id     INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq                 INTEGER NOT NULL,
  role                TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'system')),
  author_agent        TEXT,
  user_id             TEXT,
  user_name           TEXT,
  text                TEXT    NOT NULL,
  tool_calls          TEXT,               -- JSON array of { id, name, arguments }
  tool_call_id        TEXT,
  prompt_tokens       INTEGER,
  completion_tokens   INTEGER,
  token_estimate      INTEGER NOT NULL,
  platform_message_id TEXT,
  turn_status         TEXT    CHECK (turn_status IN ('pending', 'completed', 'failed')),
  turn_attempts       INTEGER NOT NULL DEFAULT 0,
  error_code          TEXT,
  created_at          INTEGER NOT NULL
) STRICT;

-- The history window is a backward range scan of this index (ORDER BY seq DESC LIMIT n); it also serves the FK cascade.
CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
CREATE INDEX messages_user ON messages (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX messages_pending_turns ON messages (turn_status) WHERE turn_status = 'pending';

CREATE TABLE handoffs (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL, -- the handoff stays in the trail if its message is forgotten
  from_agent      TEXT    NOT NULL,
  to_agent        TEXT    NOT NULL,
  reason          TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX handoffs_conversation ON handoffs (conversation_id, id);
-- Without it, deleting any message would scan this table to apply ON DELETE SET NULL.
CREATE INDEX handoffs_message ON handoffs (message_id);

CREATE TABLE inbound_events (
  platform    TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (platform, event_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX inbound_events_received ON inbound_events (received_at);

CREATE TABLE outbox (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: it is the delivery's idempotency key
  conversation_id     INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  -- CASCADE, not SET NULL: the row's text is a copy of the message, so a deleted message must not live on here,
  -- nor be posted after it was deleted.
  message_id          INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  agent_name          TEXT    NOT NULL,
  text                TEXT    NOT NULL,
  kind                TEXT    NOT NULL CHECK (kind IN ('agent', 'notice')),
  status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts            INTEGER NOT NULL DEFAULT 0,
  platform_message_id TEXT,
  last_error          TEXT,
  created_at          INTEGER NOT NULL,
  sent_at             INTEGER
) STRICT;

CREATE INDEX outbox_pending ON outbox (status) WHERE status = 'pending';
CREATE INDEX outbox_conversation ON outbox (conversation_id);
CREATE INDEX outbox_message ON outbox (message_id);
