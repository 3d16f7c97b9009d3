-- PostgreSQL's form of ../001_guild_settings.sql: ids and Discord snowflakes are BIGINT, ids an identity.
-- Per-guild settings edited with /config. One row per guild, created on first change;
-- a guild without a row uses the defaults below.
CREATE TABLE guild_settings (
    guild_id              BIGINT PRIMARY KEY,
    moderator_role_id     BIGINT,
    discussion_channel_id BIGINT,
    timezone              TEXT    NOT NULL DEFAULT 'UTC',
    summary_mode          TEXT    NOT NULL DEFAULT 'offline'
                                  CHECK (summary_mode IN ('offline', 'llm')),
    updated_at            TEXT    NOT NULL,
    updated_by            BIGINT
);
