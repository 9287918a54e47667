-- 0022_history_version: a conversation's history_version moves whenever one of its stored messages is deleted or
-- changed, never when one is added (last_seq counts those). Together the two tell the store whether the history
-- window it read last is still what the table holds (src/store/history-windows.ts): unchanged, it reads only the
-- messages added since instead of the whole window every turn. Forget-user, retention and a moderator's deletion of
-- a message move it, from this process or any other, in the same transaction as the deletion.

ALTER TABLE conversations ADD COLUMN history_version INTEGER NOT NULL DEFAULT 0;

-- A cascade from a deleted conversation updates no row (the conversation is gone with its windows).
CREATE TRIGGER messages_history_delete AFTER DELETE ON messages
BEGIN
  UPDATE conversations SET history_version = history_version + 1 WHERE id = old.conversation_id;
END;

-- What a window shows of a message. The turn's own bookkeeping (turn_status, turn_attempts, error_code, held_check)
-- changes after a message is stored and is not part of it.
CREATE TRIGGER messages_history_update
  AFTER UPDATE OF conversation_id, seq, role, author_agent, user_id, user_name, text, tool_calls, tool_call_id,
    prompt_tokens, completion_tokens, token_estimate, platform_message_id, created_at ON messages
BEGIN
  UPDATE conversations SET history_version = history_version + 1 WHERE id IN (old.conversation_id, new.conversation_id);
END;
