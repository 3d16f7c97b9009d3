-- PostgreSQL's form of ../007_member_names.sql: ids and Discord snowflakes are BIGINT, ids an identity.
-- The name a member was last seen with in a guild (their server display name), kept so that
-- exports made from the database alone (also on the command line) can say who wrote what.
-- Written when a member answers, replies or takes a stance; /forget deletes it.
CREATE TABLE member_names (
    guild_id        BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    name            TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Exports read a round's answers question by question, and its replies, in id order; and
-- find the message a reply answers.
CREATE INDEX responses_export ON responses (round_id, kind, question, id);
CREATE INDEX responses_round_message ON responses (round_id, message_id);
-- Earlier versions, found from their response (exports read them round by round).
CREATE INDEX response_edits_response ON response_edits (response_id);
