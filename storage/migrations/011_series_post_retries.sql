-- A scheduled post Discord keeps refusing (a 400, a 5xx storm, no answer) is retried with a
-- growing back-off instead of holding the timer, and after a few tries its series pauses and
-- the moderators are told why. The claim records how often it failed, when to try again and
-- the last error. A series with a claim still being retried is not claimed again meanwhile.
ALTER TABLE series_posts ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE series_posts ADD COLUMN retry_at TEXT;  -- UTC; NULL: try at once
ALTER TABLE series_posts ADD COLUMN last_error TEXT;
