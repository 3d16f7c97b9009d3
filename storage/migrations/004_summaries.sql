-- Round summaries. body is the Summary as JSON (roundtable/summaries/model.py); content_hash
-- identifies what it was made from, so an unchanged round reuses its summary.
CREATE TABLE summaries (
    id                INTEGER PRIMARY KEY,
    round_id          INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id          INTEGER NOT NULL,
    engine            TEXT    NOT NULL CHECK (engine IN ('offline', 'llm')),
    content_hash      TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER,
    created_at        TEXT    NOT NULL
) STRICT;

CREATE INDEX summaries_round ON summaries (guild_id, round_id, id);
