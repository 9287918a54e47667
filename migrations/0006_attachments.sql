-- 0006_attachments: files that belong to a message — a student's photo, PDF or text file, and the images Baton renders
-- itself (display math) and attaches to an agent's answer. The moderators' console lists and serves them.

-- The bytes live in the row (a BLOB), not in a file beside the database: forget-user and retention delete rows, and a
-- file named by a path would outlive them. Images are downscaled before they are stored (≤ 2,048 px), so rows stay small.
CREATE TABLE attachments (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the console's /attachments/:id names it
  -- Both references cascade: forgetting a student deletes their messages (and so their files); retention and forget
  -- delete whole conversations. conversation_id is the message's own (the store copies it), so scope checks need no join.
  conversation_id  INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id       INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  origin           TEXT    NOT NULL CHECK (origin IN ('upload', 'rendered')), -- sent by a person, or made by Baton
  kind             TEXT    NOT NULL CHECK (kind IN ('image', 'pdf', 'text', 'file')),
  media_type       TEXT    NOT NULL CHECK (media_type GLOB '[a-z]*/[a-z0-9]*' AND length(media_type) <= 127),
  file_name        TEXT    NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  byte_size        INTEGER NOT NULL CHECK (byte_size = length(data)),
  width            INTEGER CHECK (width > 0),          -- images only, after downscaling
  height           INTEGER CHECK (height > 0),
  sha256           TEXT    NOT NULL CHECK (length(sha256) = 64), -- hex, of `data`: dedupe and render caches
  data             BLOB    NOT NULL,
  -- What a reader (or a model) gets when it cannot see the file: an image's alt text, a formula's TeX source.
  alt_text         TEXT,
  -- The text read out of a PDF or a text file, kept so later turns need not parse the file again.
  extracted_text   TEXT,
  platform_file_id TEXT,                               -- Discord attachment id, Slack file id
  source_url       TEXT,                               -- where it was downloaded from (Discord's CDN links expire)
  created_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX attachments_message ON attachments (message_id, id);
CREATE INDEX attachments_conversation ON attachments (conversation_id, id);
