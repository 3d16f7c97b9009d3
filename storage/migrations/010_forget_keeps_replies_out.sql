-- /forget leaves a tombstone: the member's privacy row says their thread replies are not
-- recorded (no content is kept). Capture and the start-up backfill honour it, so a restart no
-- longer stores again what the member had deleted; the member turns recording back on in
-- /privacy.
ALTER TABLE member_privacy ADD COLUMN replies INTEGER NOT NULL DEFAULT 1 CHECK (replies IN (0, 1));
