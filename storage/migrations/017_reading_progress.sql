-- How far each member has read in each pack (#29): the highest section they marked read, with
-- the button on a round ("I've read this") or /progress. Moderators see the spread in
-- /round show and /schedule show. /forget deletes a member's rows.
CREATE TABLE member_progress (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    pack_id         INTEGER NOT NULL REFERENCES packs (id) ON DELETE CASCADE,
    section         INTEGER NOT NULL CHECK (section >= 1),
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, pack_id)
) STRICT;

-- The spread of a pack's readers in a guild.
CREATE INDEX member_progress_pack ON member_progress (guild_id, pack_id, section);
