-- Times and JSON get their own types where the database has them: PostgreSQL's file of the
-- same name (migrations/postgresql/) makes every time a timestamptz and every JSON value a jsonb.
-- SQLite keeps both as TEXT (UTC ISO 8601; JSON text), which it compares correctly as written
-- by storage/, so there is nothing to change here.
SELECT 1;
