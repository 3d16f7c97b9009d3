-- Times as timestamptz and JSON as jsonb: the server compares instants, not the text of them
-- (a deadline no longer depends on every writer formatting "+00:00" the same way), and JSON is
-- checked when it is written. storage/postgres.py reads both back as the text SQLite keeps.
-- Existing rows are converted in place; the defaults of the JSON columns are dropped and set
-- again, since a text default cannot be cast to jsonb.
ALTER TABLE guild_settings ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE packs
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE rounds
    ALTER COLUMN posts DROP DEFAULT,
    ALTER COLUMN close_steps DROP DEFAULT;
ALTER TABLE rounds
    ALTER COLUMN questions TYPE jsonb USING questions::jsonb,
    ALTER COLUMN stances TYPE jsonb USING stances::jsonb,
    ALTER COLUMN posts TYPE jsonb USING posts::jsonb,
    ALTER COLUMN close_steps TYPE jsonb USING close_steps::jsonb,
    ALTER COLUMN opened_at TYPE timestamptz USING opened_at::timestamptz,
    ALTER COLUMN closes_at TYPE timestamptz USING closes_at::timestamptz,
    ALTER COLUMN closed_at TYPE timestamptz USING closed_at::timestamptz,
    ALTER COLUMN remind_at TYPE timestamptz USING remind_at::timestamptz,
    ALTER COLUMN reminded_at TYPE timestamptz USING reminded_at::timestamptz;
ALTER TABLE rounds
    ALTER COLUMN posts SET DEFAULT '[]'::jsonb,
    ALTER COLUMN close_steps SET DEFAULT '[]'::jsonb;
ALTER TABLE responses
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz,
    ALTER COLUMN edited_at TYPE timestamptz USING edited_at::timestamptz;
ALTER TABLE response_edits
    ALTER COLUMN replaced_at TYPE timestamptz USING replaced_at::timestamptz;
ALTER TABLE stances ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE member_privacy ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
ALTER TABLE summaries
    ALTER COLUMN body TYPE jsonb USING body::jsonb,
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;
ALTER TABLE series
    ALTER COLUMN next_at TYPE timestamptz USING next_at::timestamptz,
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;
ALTER TABLE series_posts
    ALTER COLUMN occurrence TYPE timestamptz USING occurrence::timestamptz,
    ALTER COLUMN claimed_at TYPE timestamptz USING claimed_at::timestamptz,
    ALTER COLUMN done_at TYPE timestamptz USING done_at::timestamptz;
ALTER TABLE member_names ALTER COLUMN updated_at TYPE timestamptz USING updated_at::timestamptz;
