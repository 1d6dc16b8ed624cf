-- 0012: one index fewer on roll notifications, the table every notice of every batch is written to.
-- The monthly movement report of one school now reads that school's notices through
-- roll_notifications_by_school (la_code, school_urn, seq) and keeps those of the month: a school's
-- notices are a few hundred a year, while the index cost a B-tree entry per notice.
DROP INDEX roll_notifications_by_month;
