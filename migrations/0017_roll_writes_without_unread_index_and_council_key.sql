-- 0017: two costs that every batch of roll notifications paid for nothing read.
-- roll_notifications_by_child (la_code, child_id) is read by no query: a child's schools come from
-- current_roll, and notices are listed by council or school in the order received. It cost a B-tree
-- entry per notice, at a random place in the index (child ids are random).
-- children.la_code's key to local_authorities cost a lookup of the council per new child (every
-- pupil of a roll loaded by batches is one). As for the roll tables in 0007, row-level security's
-- WITH CHECK already binds la_code to the transaction's council, which the service takes from an
-- authenticated client of a registered council. The keys that point at children stay.
DROP INDEX roll_notifications_by_child;
ALTER TABLE children DROP CONSTRAINT children_la_code_fkey;
