-- Reading packs. A guild's own packs have its guild_id; the packs shipped in prompts/packs/
-- have guild_id NULL, are refreshed from the files at start-up and serve every guild.
-- body is the canonical pack file (roundtable/packs/format.py), the single source of truth.
CREATE TABLE packs (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    slug        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    sections    INTEGER NOT NULL CHECK (sections > 0),
    created_by  INTEGER,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX packs_guild_slug ON packs (COALESCE(guild_id, 0), slug);
