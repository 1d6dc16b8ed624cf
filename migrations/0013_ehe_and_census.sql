-- 0013: what the termly CME and EHE return counts (docs/domain.md, "Reporting").
-- An EHE record now has a reason (as the return breaks EHE down), may end (a return to school, a
-- move away, the end of compulsory school age), and carries the council's statutory steps when the
-- education may not be suitable: s437(1) notices, and school attendance orders issued and revoked.
ALTER TABLE ehe_records
    ADD COLUMN reason     text NOT NULL DEFAULT 'unknown',
    ADD COLUMN ended_on   date,
    ADD COLUMN end_reason text,
    ADD COLUMN end_school_urn text CHECK (end_school_urn ~ '^[0-9]{6}$'),
    ADD COLUMN created_by uuid,
    ADD COLUMN seq        bigserial NOT NULL,
    ADD CONSTRAINT ehe_records_end_has_reason CHECK ((ended_on IS NULL) = (end_reason IS NULL)),
    ADD CONSTRAINT ehe_records_ends_after_start CHECK (ended_on IS NULL OR ended_on >= starts_on);
-- At most one current EHE record per child: a second start must end the first. Records from before
-- this rule (two removals to home education of one child) end where the next one starts.
-- Every council's rows: the owner is exempt from row security while it is not forced.
ALTER TABLE ehe_records NO FORCE ROW LEVEL SECURITY;
UPDATE ehe_records e SET ended_on = GREATEST(e.starts_on, n.starts_on), end_reason = 'superseded'
FROM ehe_records n
WHERE n.la_code = e.la_code AND n.child_id = e.child_id AND (n.starts_on, n.created_at, n.id) > (e.starts_on, e.created_at, e.id);
ALTER TABLE ehe_records FORCE ROW LEVEL SECURITY;
CREATE UNIQUE INDEX ehe_records_one_current_per_child ON ehe_records (la_code, child_id) WHERE ended_on IS NULL;
CREATE INDEX ehe_records_newest ON ehe_records (la_code, seq DESC);

CREATE TABLE ehe_events (
    id         uuid        PRIMARY KEY,
    la_code    text        NOT NULL REFERENCES local_authorities,
    ehe_id     uuid        NOT NULL REFERENCES ehe_records,
    kind       text        NOT NULL CHECK (kind IN ('s437_notice', 'sao_issued', 'sao_revoked')),
    on_date    date        NOT NULL,
    school_urn text        CHECK (school_urn ~ '^[0-9]{6}$'),
    notes      text,
    created_at timestamptz NOT NULL,
    created_by uuid
);
CREATE INDEX ehe_events_by_record ON ehe_events (la_code, ehe_id, on_date);
CREATE INDEX ehe_events_by_date ON ehe_events (la_code, on_date);

-- A council's census dates where they differ from the rule (autumn: first Thursday of October;
-- spring and summer: third Thursday of January and of May). Absent rows mean the rule's date.
CREATE TABLE census_dates (
    la_code       text    NOT NULL REFERENCES local_authorities,
    academic_year integer NOT NULL,
    term          text    NOT NULL CHECK (term IN ('autumn', 'spring', 'summer')),
    census_on     date    NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (la_code, academic_year, term)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ehe_events', 'census_dates'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (la_code = current_setting(''app.la_code'', true)) '
                       'WITH CHECK (la_code = current_setting(''app.la_code'', true))', t);
    END LOOP;
END $$;
