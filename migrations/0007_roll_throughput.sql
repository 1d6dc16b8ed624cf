-- 0007: the high-volume tables of roll notifications keep no foreign key to local_authorities.
-- Their la_code is already bound by row-level security's WITH CHECK to the transaction's council,
-- which the service sets from an authenticated client of a registered council, so the key only cost
-- a lookup per row (ten thousand per batch of notices). Keys between rows (child, removal, case)
-- stay.
ALTER TABLE roll_notifications DROP CONSTRAINT roll_notifications_la_code_fkey;
ALTER TABLE current_roll DROP CONSTRAINT current_roll_la_code_fkey;
ALTER TABLE expected_arrivals DROP CONSTRAINT expected_arrivals_la_code_fkey;
