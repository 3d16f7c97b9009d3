-- PostgreSQL's form of ../005_round_close_steps.sql: ids and Discord snowflakes are BIGINT, ids an identity.
-- Closing a round is a sequence of steps on Discord after the status change (answer cards,
-- closing message, summary, disabled buttons, locked thread). Each step is recorded when done,
-- so a close that a crash or SIGTERM interrupted is completed at start-up. Rounds closed before
-- this migration were closed in one go: nothing is pending for them.
ALTER TABLE rounds ADD COLUMN close_steps TEXT NOT NULL DEFAULT '[]';  -- JSON array of step names
ALTER TABLE rounds ADD COLUMN close_pending BIGINT NOT NULL DEFAULT 0
    CHECK (close_pending IN (0, 1));

CREATE INDEX rounds_close_pending ON rounds (id) WHERE close_pending = 1;
