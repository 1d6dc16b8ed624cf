-- 0009: an expected arrival keeps the expected child's date of birth, so that the additions a batch
-- could not match exactly are compared only with the children expected at the same school and born
-- on the same day (or with day and month swapped), found through an index, instead of by joining
-- every pending arrival of the council to its child. The due-date index is dropped: the status
-- index (la_code, status, due_on, id) answers the sweep's "pending and due before" just as well.
-- The pending index leads with the child, so that it serves a child's change of date of birth as
-- well as an addition's fulfilment (child and school).
ALTER TABLE expected_arrivals ADD COLUMN child_born date;

-- Existing arrivals take their child's date of birth. The table owner is bound by row-level
-- security like everyone else (FORCE), so it is lifted for this one statement and restored inside
-- the same transaction.
ALTER TABLE expected_arrivals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE children NO FORCE ROW LEVEL SECURITY;
UPDATE expected_arrivals e SET child_born = c.date_of_birth FROM children c WHERE c.id = e.child_id;
ALTER TABLE expected_arrivals FORCE ROW LEVEL SECURITY;
ALTER TABLE children FORCE ROW LEVEL SECURITY;

CREATE INDEX expected_arrivals_pending_born ON expected_arrivals (la_code, school_urn, child_born) WHERE status = 'pending';
DROP INDEX expected_arrivals_due;
DROP INDEX expected_arrivals_pending;
CREATE INDEX expected_arrivals_pending ON expected_arrivals (la_code, child_id, school_urn) WHERE status = 'pending';
