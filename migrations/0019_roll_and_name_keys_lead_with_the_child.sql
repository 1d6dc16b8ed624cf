-- 0019: the current roll's key and the children's name lookup lead with what tells rows apart.
-- Every batch of roll notices upserts and probes current_roll by child and school, and looks each
-- pupil up in children_name_keys by name. With the council's code first, every comparison in these
-- B-trees first compared that text, and reached the columns after it only by working out where they
-- start in the entry (a text is of variable length): on a copy of the roll, an upsert of 3,000 pairs
-- took 31-35 ms with (la_code, child_id, school_urn) and 23-28 ms with (child_id, school_urn,
-- la_code). The key still holds all three columns (the upsert's ON CONFLICT names the same set);
-- the name lookup checks the council on each row, as the queries and row-level security already do.
ALTER TABLE current_roll DROP CONSTRAINT current_roll_pkey;
ALTER TABLE current_roll ADD PRIMARY KEY (child_id, school_urn, la_code);
DROP INDEX children_name_keys;
CREATE INDEX children_name_keys ON children (last_name_key, first_name_key);
