-- 0010_alert_delivery: a flag's alert to the moderators' channel is decided, posted and retried through the database, so
-- the hour's dedupe (one alert per conversation and category) survives a restart and a pending alert is posted after one.

ALTER TABLE flags ADD COLUMN alert TEXT CHECK (alert IN ('pending', 'sent', 'failed')); -- NULL: no alert for this flag
ALTER TABLE flags ADD COLUMN alerted_at INTEGER;  -- when the alert was decided: the hour's dedupe counts from here
ALTER TABLE flags ADD COLUMN user_name TEXT;      -- the student's display name, for the alert (a blocked message is not stored)

CREATE INDEX flags_alerted ON flags (conversation_id, alerted_at) WHERE alerted_at IS NOT NULL;
CREATE INDEX flags_alert_pending ON flags (id) WHERE alert = 'pending';
