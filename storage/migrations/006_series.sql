-- Scheduled series: a pack posted section by section as rounds on a rhythm, in the series' own
-- time zone. next_at is the UTC instant of the next occurrence; next_section what it posts.
CREATE TABLE series (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    pack_id         INTEGER NOT NULL REFERENCES packs (id) ON DELETE RESTRICT,
    channel_id      INTEGER NOT NULL,
    every           TEXT    NOT NULL,  -- what the moderator typed, for display
    rule            TEXT    NOT NULL,  -- RFC 5545 RRULE without DTSTART
    starts_on       TEXT    NOT NULL,  -- local date, ISO 8601
    at_time         TEXT    NOT NULL,  -- local wall-clock time, HH:MM
    timezone        TEXT    NOT NULL,  -- IANA name
    round_minutes   INTEGER,           -- each round's length; NULL: open until closed
    remind_minutes  INTEGER,           -- reminder this long before a round closes; NULL: none
    ping_role_id    INTEGER,           -- the one role a reminder may ping
    catch_up        TEXT    NOT NULL CHECK (catch_up IN ('latest', 'all', 'none')),
    loop            INTEGER NOT NULL DEFAULT 0 CHECK (loop IN (0, 1)),
    next_section    INTEGER NOT NULL,
    next_at         TEXT,              -- UTC; NULL when finished
    status          TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'finished')),
    paused_reason   TEXT,
    created_by      INTEGER NOT NULL,
    created_at      TEXT    NOT NULL
) STRICT;

-- One running series per channel and pack.
CREATE UNIQUE INDEX series_one_per_channel_pack
    ON series (guild_id, channel_id, pack_id) WHERE status != 'finished';
CREATE INDEX series_due ON series (next_at) WHERE status = 'active';

-- The job log: each occurrence is claimed (in the transaction that reserves its round), then
-- marked posted; a claim never marked is completed at start-up without a second post.
CREATE TABLE series_posts (
    series_id       INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    occurrence      TEXT    NOT NULL,  -- UTC instant
    section_number  INTEGER,
    round_id        INTEGER REFERENCES rounds (id) ON DELETE SET NULL,
    state           TEXT    NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
    claimed_at      TEXT    NOT NULL,
    done_at         TEXT,
    PRIMARY KEY (series_id, occurrence)
) STRICT;

CREATE INDEX series_posts_claimed ON series_posts (series_id) WHERE state = 'claimed';

ALTER TABLE rounds ADD COLUMN series_id INTEGER REFERENCES series (id) ON DELETE SET NULL;
ALTER TABLE rounds ADD COLUMN remind_at TEXT;    -- UTC: when to post the reminder
ALTER TABLE rounds ADD COLUMN reminded_at TEXT;  -- set when the reminder is claimed

CREATE INDEX rounds_reminders ON rounds (remind_at) WHERE status = 'open' AND reminded_at IS NULL;
