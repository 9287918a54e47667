-- 0007_safety: moderation flags (what was found in a message or an answer, what Baton did, who reviewed it) and the
-- daily token usage that the per-student and per-workspace caps count against.

CREATE TABLE flags (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: moderators cite flag ids
  conversation_id     INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, -- retention reaches flags
  -- The flagged message when it is stored (an agent's answer, a student's message that was let through); NULL for a
  -- blocked message, which is never stored where an agent could read it: its text lives only in this row.
  message_id          INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  user_id             TEXT,                              -- the student whose turn it was: forgetting them reaches the flag
  source              TEXT    NOT NULL CHECK (source IN ('input', 'output')),
  categories          TEXT    NOT NULL,                  -- JSON object: category -> score, the categories over threshold
  action              TEXT    NOT NULL CHECK (action IN ('block', 'answer', 'withhold', 'unchecked')),
  severity            TEXT    NOT NULL CHECK (severity IN ('urgent', 'alert', 'flag', 'none')),
  text                TEXT    NOT NULL,                  -- what was flagged, kept for moderators
  platform_message_id TEXT,                              -- the student's message, or the answer that was edited away
  created_at          INTEGER NOT NULL,
  reviewed_by         TEXT,
  reviewed_at         INTEGER
) STRICT;

CREATE INDEX flags_conversation ON flags (conversation_id, id);
CREATE INDEX flags_message ON flags (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX flags_user ON flags (user_id) WHERE user_id IS NOT NULL;

-- One row per student, workspace, UTC day and model: what the caps count and /usage sums.
CREATE TABLE usage_daily (
  platform          TEXT    NOT NULL,
  workspace         TEXT    NOT NULL,
  day               TEXT    NOT NULL,                    -- YYYY-MM-DD (UTC)
  user_id           TEXT    NOT NULL,
  model             TEXT    NOT NULL,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (platform, workspace, day, user_id, model)
) STRICT, WITHOUT ROWID;

CREATE INDEX usage_daily_user ON usage_daily (platform, user_id, day);
