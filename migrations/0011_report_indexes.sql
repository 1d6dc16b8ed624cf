-- 0011: what the scorecard reads, found without scanning whole tables.
-- Roll notifications by received date: a BRIN index, a few pages for millions of rows, since notices
-- are stored in the order received; a B-tree would cost every batch of notices one more index entry
-- per notice. Ranges filled since the last vacuum are summarised as they fill (autosummarize).
CREATE INDEX roll_notifications_received_brin ON roll_notifications USING brin (received_on) WITH (autosummarize = on);
-- The children in a vulnerable group, few among many: a partial index holds only them, so a child
-- recorded from a roll notice (no groups) costs it nothing.
CREATE INDEX children_in_vulnerable_groups ON children (la_code, id) WHERE vulnerable_groups <> '{}';
