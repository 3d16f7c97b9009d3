-- PostgreSQL's form of ../014_summary_posts.sql: integers BIGINT, JSON as jsonb.
-- The summary the bot posted in a round's thread (at the close, or by /summary regenerate):
-- its messages, and the cited messages they show. When one of those is deleted or withdrawn
-- later, or its author forgotten, the messages are edited to leave its points out.
CREATE TABLE summary_posts (
    round_id        BIGINT PRIMARY KEY REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id        BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    message_ids     jsonb  NOT NULL,
    shown           jsonb  NOT NULL
);

CREATE INDEX summary_posts_channel ON summary_posts (channel_id);
