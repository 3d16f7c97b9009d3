-- PostgreSQL's form of ../013_shard_leases.sql: integers BIGINT, times timestamptz.
-- One row per shard a process runs (`--shard-count N --shards A-B`), renewed while it runs:
-- a second process whose range overlaps refuses to start (storage/shard_leases.py).
CREATE TABLE shard_leases (
    shard           BIGINT PRIMARY KEY,
    shard_count     BIGINT      NOT NULL,
    holder          TEXT        NOT NULL,  -- host:pid
    started_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL
);
