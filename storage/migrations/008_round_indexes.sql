-- A round's responses in time order (summaries, /summary show, start-up reconciling): found
-- through the round, not by walking every response the guild ever stored and sorting them.
CREATE INDEX responses_round_time ON responses (round_id, created_at, id);
-- Whether a pack has rounds (before it may be deleted).
CREATE INDEX rounds_pack ON rounds (pack_id);
