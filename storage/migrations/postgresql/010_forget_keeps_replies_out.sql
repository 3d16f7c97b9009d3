-- PostgreSQL's form of ../010_forget_keeps_replies_out.sql: integers are BIGINT, as elsewhere.
-- /forget leaves a tombstone: the member's privacy row says their thread replies are not
-- recorded (no content is kept). Capture and the start-up backfill honour it; the member turns
-- recording back on in /privacy.
ALTER TABLE member_privacy ADD COLUMN replies BIGINT NOT NULL DEFAULT 1 CHECK (replies IN (0, 1));
