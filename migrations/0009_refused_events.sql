-- 0009_refused_events: a message refused before it reached the model (rate limit, too long) is recorded as such, so a
-- flood is stored and countable without its text, and a retry of a refused delivery stays a duplicate.

ALTER TABLE inbound_events ADD COLUMN refusal TEXT CHECK (refusal IN ('rate_limited', 'too_long'));
