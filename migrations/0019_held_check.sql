-- 0019_held_check: a student's message stored while its thread waits for a moderator opens no turn, yet still owes the
-- safety step (moderation, flag, alert, caring reply). 'pending' from the transaction that stores it until that step has
-- run (then NULL); the next start's recover() runs the checks a crash cut off. A flag on the message counts as checked.

ALTER TABLE messages ADD COLUMN held_check TEXT CHECK (held_check = 'pending');

CREATE INDEX messages_held_check ON messages (id) WHERE held_check = 'pending';
