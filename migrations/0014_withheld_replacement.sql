-- 0014_withheld_replacement: a flagged answer's replacement on the platform (the edit to the withheld notice) is owed
-- through the database, decided in the transaction that stores the flag, so a restart finishes an edit a crash cut off.

-- NULL: nothing to replace (not an answer's flag). pending: the platform may still show the answer; done: it shows the
-- notice (edited, or the notice was posted in its place); failed: every attempt to edit it failed.
ALTER TABLE flags ADD COLUMN replacement TEXT CHECK (replacement IN ('pending', 'done', 'failed'));
ALTER TABLE flags ADD COLUMN replacement_attempts INTEGER NOT NULL DEFAULT 0; -- failed edits, across restarts

CREATE INDEX flags_replacement_pending ON flags (id) WHERE replacement = 'pending';
