-- Discussion rounds: one section of a pack posted with its questions, answered and argued
-- over in a thread, then closed. Questions and stance labels are copied at start, so a pack
-- edited or re-imported later never changes a round that already ran.
CREATE TABLE rounds (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    pack_id         INTEGER NOT NULL REFERENCES packs (id) ON DELETE RESTRICT,
    section_number  INTEGER NOT NULL,
    section_title   TEXT    NOT NULL,
    questions       TEXT    NOT NULL,  -- JSON array of strings
    stances         TEXT    NOT NULL,  -- JSON array of button labels
    channel_id      INTEGER NOT NULL,  -- the text or forum channel
    thread_id       INTEGER,           -- the discussion thread (or forum post)
    posts           TEXT    NOT NULL DEFAULT '[]',  -- JSON [[channel, message], ...]; buttons on the last
    status          TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    opened_by       INTEGER NOT NULL,
    opened_at       TEXT    NOT NULL,
    closes_at       TEXT,              -- UTC ISO 8601; NULL: closed by a moderator
    closed_at       TEXT,
    closed_by       INTEGER            -- NULL with closed_at set: closed by its deadline
) STRICT;

-- Two moderators starting the same round at once get one round.
CREATE UNIQUE INDEX rounds_one_open_per_section
    ON rounds (guild_id, pack_id, section_number) WHERE status = 'open';
CREATE INDEX rounds_guild ON rounds (guild_id, id);
CREATE INDEX rounds_thread ON rounds (thread_id);
CREATE INDEX rounds_deadline ON rounds (closes_at) WHERE status = 'open';

-- What members said: modal answers (one per question, editable) and thread replies.
CREATE TABLE responses (
    id              INTEGER PRIMARY KEY,
    round_id        INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('answer', 'reply')),
    question        INTEGER,           -- 1-based, answers only
    content         TEXT    NOT NULL CHECK (length(trim(content)) > 0),
    message_id      INTEGER,           -- the thread message showing it
    reply_to_id     INTEGER,           -- replies: the message it answers
    created_at      TEXT    NOT NULL,
    edited_at       TEXT,
    CHECK ((kind = 'answer') = (question IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX responses_one_answer
    ON responses (round_id, user_id, question) WHERE kind = 'answer';
CREATE UNIQUE INDEX responses_reply_message ON responses (message_id) WHERE kind = 'reply';
CREATE INDEX responses_round ON responses (round_id, kind);
CREATE INDEX responses_member ON responses (guild_id, user_id);

-- Earlier versions of an edited response; deleted with it.
CREATE TABLE response_edits (
    response_id     INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    content         TEXT    NOT NULL,
    replaced_at     TEXT    NOT NULL
) STRICT;

-- A member's stance in a round: the first is the opening stance, the last before closing the
-- closing stance.
CREATE TABLE stances (
    round_id        INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    opening         TEXT    NOT NULL,
    current         TEXT    NOT NULL,
    closing         TEXT,
    changes         INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (round_id, user_id)
) STRICT;

CREATE INDEX stances_member ON stances (guild_id, user_id);

-- Members' consent choices, per guild.
CREATE TABLE member_privacy (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    no_ai           INTEGER NOT NULL DEFAULT 0 CHECK (no_ai IN (0, 1)),
    exports         TEXT    NOT NULL DEFAULT 'named'
                            CHECK (exports IN ('named', 'anonymous', 'excluded')),
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) STRICT;

-- What happens to a round's thread when it closes.
ALTER TABLE guild_settings ADD COLUMN thread_on_close TEXT NOT NULL DEFAULT 'lock'
    CHECK (thread_on_close IN ('lock', 'archive', 'keep'));
