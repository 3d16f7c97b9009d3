-- One row per shard a process runs (`--shard-count N --shards A-B`), renewed while it runs:
-- a second process whose range overlaps refuses to start (storage/shard_leases.py).
CREATE TABLE shard_leases (
    shard           INTEGER PRIMARY KEY,
    shard_count     INTEGER NOT NULL,
    holder          TEXT    NOT NULL,  -- host:pid
    started_at      TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL   -- UTC
) STRICT;
