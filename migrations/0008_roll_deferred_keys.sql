-- 0008: the keys from a notice's effects to the notice itself are checked at commit, so that a
-- batch stores each notice once, after its effects, with the actions they took (instead of storing
-- it first and updating thousands of rows with their actions).
ALTER TABLE expected_arrivals ALTER CONSTRAINT expected_arrivals_removal_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE expected_arrivals ALTER CONSTRAINT expected_arrivals_arrival_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE ehe_records ALTER CONSTRAINT ehe_records_notification_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE tasks ALTER CONSTRAINT tasks_notification_id_fkey DEFERRABLE INITIALLY DEFERRED;
