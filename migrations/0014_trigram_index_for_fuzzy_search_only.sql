-- 0014: the trigram index serves fuzzy name search only.
-- A GIN trigram index on last_name_key could also answer `last_name_key = $1`, and the planner, which
-- prices a GIN probe low, sometimes chose it over children_name_keys for the exact lookups of a batch of
-- roll notices: names share trigrams, so the posting lists it then merged were long, and one batch's
-- lookup took 35 s instead of 40 ms. Indexed as an expression that only the fuzzy search writes
-- (`(last_name_key || '') % $1`), it is no candidate for an equality on the column.
DROP INDEX children_last_name_trgm;
CREATE INDEX children_last_name_trgm ON children USING gin ((last_name_key || '') gin_trgm_ops);
