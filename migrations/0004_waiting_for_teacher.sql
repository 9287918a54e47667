-- 0004_waiting_for_teacher: an agent handed the conversation to a human participant ("ask a teacher"). While
-- waiting_since is set the agents do not answer in the thread: students' messages are stored without a turn, and a
-- moderator's messages are stored as the human's turn. /handback (Discord) or /homework-handback (Slack) clears it.
-- The columns live on the conversation row, so retention and forget-user (which delete conversations) reach them.

ALTER TABLE conversations ADD COLUMN waiting_for TEXT;      -- the human participant's name (e.g. teacher)
ALTER TABLE conversations ADD COLUMN waiting_from TEXT;     -- the agent that asked for them
ALTER TABLE conversations ADD COLUMN waiting_reason TEXT;   -- the handoff's reason, as the model wrote it
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER; -- NULL: the agents answer

CREATE INDEX conversations_waiting ON conversations (waiting_since) WHERE waiting_since IS NOT NULL;
