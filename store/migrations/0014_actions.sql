-- What the game lets characters do, and what they did.
--
-- characters.actions is the character's action catalogue as a JSON array of
-- {"name", "description", "params": [{"name", "type", "description", "enum"}], "required"}.
-- conversation_turns.actions is what the speaker did in the turn and what was refused, as
-- JSON {"actions": [{"name", "arguments", "reason"}], "refused": [{"name", "arguments",
-- "problem"}]}. Rows from before actions existed read as empty.
ALTER TABLE characters ADD COLUMN actions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversation_turns ADD COLUMN actions TEXT NOT NULL DEFAULT '{"actions":[],"refused":[]}';
