-- 0015_teacher_alert: the moderators' alert for a thread handed to a person ("ask a teacher") is durable, like the
-- safety alerts' flags.alert (0010): decided in the same transaction that marks the conversation waiting, posted in the
-- background, and a pending one (the process died or shut down first) is posted by the next start's recover().

ALTER TABLE conversations ADD COLUMN waiting_alert TEXT;              -- 'pending' | 'sent' | 'failed'; NULL: none
ALTER TABLE conversations ADD COLUMN waiting_alert_message INTEGER;   -- the student's message that led to the request

CREATE INDEX conversations_waiting_alert ON conversations (id) WHERE waiting_alert = 'pending';
