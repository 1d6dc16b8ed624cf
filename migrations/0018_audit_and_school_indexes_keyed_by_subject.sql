-- 0018: the audit trail's subject index and the notices' per-school index keyed by what tells rows
-- apart. A batch of 5,000 notices writes about 6,000 audit rows and 5,000 notices, and every entry
-- of these indexes was placed by comparing the council's code and the subject's type before the
-- subject's id (or the school's URN before the order received): measured on a copy of the tables,
-- 6,000 audit rows took 33 ms with (la_code, subject_type, subject_id, id) and 22 ms with
-- (subject_id, id). A subject id (a UUID, or a URN for a school) or a URN names few rows of any
-- other council or type, which the queries still filter out (and row-level security binds the
-- council in any case).
DROP INDEX audit_events_subject;
CREATE INDEX audit_events_subject ON audit_events (subject_id, id);
DROP INDEX roll_notifications_by_school;
CREATE INDEX roll_notifications_by_school ON roll_notifications (school_urn, seq);
