-- 0016: a roll notice's documents (pupil, parents, future address, destination, actions) are stored as
-- the JSON text the service wrote. They are written once (the table is append-only), never queried
-- inside, and always read back whole as text; as jsonb, PostgreSQL parsed and converted every one on
-- the way in, a third of the cost of storing a notice. `pupil::jsonb` still queries them ad hoc.
ALTER TABLE roll_notifications ALTER COLUMN parents DROP DEFAULT, ALTER COLUMN actions DROP DEFAULT;
ALTER TABLE roll_notifications
    ALTER COLUMN pupil TYPE text,
    ALTER COLUMN parents TYPE text,
    ALTER COLUMN future_address TYPE text,
    ALTER COLUMN destination TYPE text,
    ALTER COLUMN actions TYPE text;
ALTER TABLE roll_notifications ALTER COLUMN parents SET DEFAULT '[]', ALTER COLUMN actions SET DEFAULT '[]';
