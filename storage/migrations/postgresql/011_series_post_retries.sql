-- PostgreSQL's form of ../011_series_post_retries.sql: integers BIGINT, times timestamptz.
-- A scheduled post Discord keeps refusing is retried with a growing back-off instead of holding
-- the timer, and after a few tries its series pauses and the moderators are told why.
ALTER TABLE series_posts
    ADD COLUMN failures BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN retry_at timestamptz,
    ADD COLUMN last_error TEXT;
