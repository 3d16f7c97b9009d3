-- Every captured reply updates each index of responses (#28): responses_round (round_id,
-- kind) is the first two columns of responses_export (round_id, kind, question, id), which
-- serves every query it served.
DROP INDEX IF EXISTS responses_round;
