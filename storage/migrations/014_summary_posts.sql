-- The summary the bot posted in a round's thread (at the close, or by /summary regenerate):
-- its messages, and the cited messages they show. When one of those is deleted or withdrawn
-- later, or its author forgotten, the messages are edited to leave its points out.
CREATE TABLE summary_posts (
    round_id        INTEGER PRIMARY KEY REFERENCES rounds (id) ON DELETE CASCADE,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    message_ids     TEXT    NOT NULL,  -- JSON array, in posting order
    shown           TEXT    NOT NULL   -- JSON array: the message ids the posted points cite
) STRICT;

CREATE INDEX summary_posts_channel ON summary_posts (channel_id);
