-- PostgreSQL's form of ../017_reading_progress.sql: ids and Discord snowflakes are BIGINT,
-- times timestamptz.
-- How far each member has read in each pack (#29): the highest section they marked read, with
-- the button on a round ("I've read this") or /progress. /forget deletes a member's rows.
CREATE TABLE member_progress (
    guild_id        BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    pack_id         BIGINT NOT NULL REFERENCES packs (id) ON DELETE CASCADE,
    section         BIGINT NOT NULL CHECK (section >= 1),
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (guild_id, user_id, pack_id)
);

CREATE INDEX member_progress_pack ON member_progress (guild_id, pack_id, section);
