-- 0015: the two lookups of pending arrivals each have an index that only they can use.
-- The fulfilment of an addition looks a child's pending arrival up by child (and checks the school);
-- the look-alike check of an addition that fulfilled nothing looks up the arrivals expected at a school
-- of children born on a date. Both indexes led with la_code, and before a table has statistics (a new
-- council, or a roll loaded faster than autovacuum analyses it) the planner takes `la_code = $1` for a
-- selective condition: it chose one lookup's index for the other and read every pending arrival of the
-- council once per addition (3.6 s a batch instead of 50 ms). Without la_code (the queries and row
-- security still check it on each row), each index answers its own lookup and no other.
DROP INDEX expected_arrivals_pending;
DROP INDEX expected_arrivals_pending_born;
CREATE INDEX expected_arrivals_pending ON expected_arrivals (child_id) WHERE status = 'pending';
CREATE INDEX expected_arrivals_pending_born ON expected_arrivals (child_born, school_urn) WHERE status = 'pending';
