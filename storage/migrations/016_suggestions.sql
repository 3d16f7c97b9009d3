-- Questions members suggest (#29): for a pack's section (future rounds) or for a round that is
-- open (a follow-up question in its thread). Moderators approve, edit or reject them; members
-- up-vote them, one vote each. An approved suggestion joins every later round of its section;
-- `added_as` is the question number it got in the open round it was suggested for.
-- /forget deletes a member's suggestions and votes.
CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    name            TEXT,              -- the member's display name when they suggested it
    text            TEXT    NOT NULL CHECK (length(trim(text)) > 0),
    pack_id         INTEGER NOT NULL REFERENCES packs (id) ON DELETE CASCADE,
    section_number  INTEGER NOT NULL,
    round_id        INTEGER REFERENCES rounds (id) ON DELETE SET NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected')),
    votes           INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    decided_by      INTEGER,
    decided_at      TEXT,
    reason          TEXT,              -- a rejection's reason, shown to the member only
    added_as        INTEGER,
    card_channel_id INTEGER,           -- its card in the suggestions channel, if one is set
    card_message_id INTEGER,
    post_channel_id INTEGER,           -- the follow-up question posted in its round's thread
    post_message_id INTEGER
) STRICT;

-- The queue (pending, by votes), a member's own, and a section's (by id; few per section).
CREATE INDEX suggestions_guild_status ON suggestions (guild_id, status, votes);
CREATE INDEX suggestions_member ON suggestions (guild_id, user_id, created_at);
CREATE INDEX suggestions_section ON suggestions (guild_id, pack_id, section_number);
-- A round's suggestions (exports; a discarded round's are kept, without their round).
CREATE INDEX suggestions_round ON suggestions (round_id);

CREATE TABLE suggestion_votes (
    suggestion_id   INTEGER NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    PRIMARY KEY (suggestion_id, user_id)
) STRICT;

-- /config set suggestions_channel: where suggestions are posted for review and votes.
ALTER TABLE guild_settings ADD COLUMN suggestions_channel_id INTEGER;
