-- 0010: the high-volume rows of roll notifications (the notice, the child's place on the current
-- roll, the expected arrival) keep no foreign key to the child or between each other. A key check
-- locks the referenced row (FOR KEY SHARE), which writes to the child's page: thousands of scattered
-- page writes, and their full images in the WAL, for a batch of notices. What the keys guarded is
-- kept another way: a child is never deleted, and a notice is never changed or deleted (both
-- refused by triggers below, like the audit trail's), so a notice's child, and an arrival's notices,
-- cannot disappear from under them. The service writes each of these rows in the transaction that
-- found or created the child and the notices they name.
ALTER TABLE roll_notifications DROP CONSTRAINT roll_notifications_child_id_fkey;
ALTER TABLE current_roll DROP CONSTRAINT current_roll_child_id_fkey;
ALTER TABLE expected_arrivals DROP CONSTRAINT expected_arrivals_child_id_fkey;
ALTER TABLE expected_arrivals DROP CONSTRAINT expected_arrivals_removal_id_fkey;
ALTER TABLE expected_arrivals DROP CONSTRAINT expected_arrivals_arrival_id_fkey;

CREATE FUNCTION refuse_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows cannot be %d', TG_TABLE_NAME, lower(TG_OP) USING ERRCODE = '42501';
END $$;
CREATE TRIGGER children_never_deleted BEFORE DELETE ON children
    FOR EACH ROW EXECUTE FUNCTION refuse_row_change();
CREATE TRIGGER children_not_truncated BEFORE TRUNCATE ON children
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_change();
CREATE TRIGGER roll_notifications_immutable BEFORE UPDATE OR DELETE ON roll_notifications
    FOR EACH ROW EXECUTE FUNCTION refuse_row_change();
CREATE TRIGGER roll_notifications_not_truncated BEFORE TRUNCATE ON roll_notifications
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_row_change();
