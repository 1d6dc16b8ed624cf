-- 0006: statutory roll notifications (Regulation 13), expected arrivals, elective home education
-- records and deregistration authorisations. The current roll (0005) is kept from the notifications.

CREATE TABLE roll_notifications (
    id                   uuid        PRIMARY KEY,
    seq                  bigserial   NOT NULL,
    la_code              text        NOT NULL REFERENCES local_authorities,
    type                 text        NOT NULL CHECK (type IN ('addition', 'removal')),
    school_urn           text        NOT NULL CHECK (school_urn ~ '^[0-9]{6}$'),
    event_date           date        NOT NULL,
    received_at          timestamptz NOT NULL,
    received_on          date        NOT NULL,
    submitted_by         uuid,
    child_id             uuid        NOT NULL REFERENCES children,
    pupil                jsonb       NOT NULL,
    parents              jsonb       NOT NULL DEFAULT '[]',
    ground               text,
    reported_ground      text,
    future_address       jsonb,
    future_address_from  date,
    destination          jsonb,
    notes                text,
    late                 boolean     NOT NULL,
    days_late            integer     NOT NULL,
    school_days_late     integer     NOT NULL,
    calendar_approximate boolean     NOT NULL,
    flags                text[]      NOT NULL DEFAULT '{}',
    actions              jsonb       NOT NULL DEFAULT '[]',
    CHECK ((type = 'removal') = (ground IS NOT NULL))
);
CREATE INDEX roll_notifications_order ON roll_notifications (la_code, seq);
CREATE INDEX roll_notifications_by_school ON roll_notifications (la_code, school_urn, seq);
CREATE INDEX roll_notifications_by_month ON roll_notifications (la_code, school_urn, event_date);
CREATE INDEX roll_notifications_by_child ON roll_notifications (la_code, child_id);

-- A child removed to a named school is expected there; `pending` until an addition there fulfils
-- it (`arrived`) or the sweep finds it past due (`overdue`, with the case it opened).
CREATE TABLE expected_arrivals (
    id               uuid        PRIMARY KEY,
    la_code          text        NOT NULL REFERENCES local_authorities,
    child_id         uuid        NOT NULL REFERENCES children,
    removal_id       uuid        NOT NULL REFERENCES roll_notifications,
    from_school_urn  text        NOT NULL,
    school_urn       text        NOT NULL,
    due_on           date        NOT NULL,
    due_approximate  boolean     NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'arrived', 'overdue')),
    arrival_id       uuid        REFERENCES roll_notifications,
    case_id          uuid        REFERENCES cases,
    created_at       timestamptz NOT NULL,
    resolved_at      timestamptz
);
CREATE INDEX expected_arrivals_pending ON expected_arrivals (la_code, school_urn, child_id) WHERE status = 'pending';
CREATE INDEX expected_arrivals_due ON expected_arrivals (la_code, due_on) WHERE status = 'pending';
CREATE INDEX expected_arrivals_by_status ON expected_arrivals (la_code, status, due_on, id);

CREATE TABLE ehe_records (
    id              uuid        PRIMARY KEY,
    la_code         text        NOT NULL REFERENCES local_authorities,
    child_id        uuid        NOT NULL REFERENCES children,
    notification_id uuid        REFERENCES roll_notifications,
    school_urn      text,
    ground          text,
    starts_on       date        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX ehe_records_by_child ON ehe_records (la_code, child_id);

-- The council's agreement that a school may remove a CME pupil (a deregistration letter).
CREATE TABLE deregistration_authorisations (
    id              uuid        PRIMARY KEY,
    la_code         text        NOT NULL REFERENCES local_authorities,
    case_id         uuid        NOT NULL REFERENCES cases,
    child_id        uuid        NOT NULL REFERENCES children,
    school_urn      text        NOT NULL CHECK (school_urn ~ '^[0-9]{6}$'),
    authorised_from date        NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      uuid
);
CREATE INDEX deregistration_authorisations_lookup ON deregistration_authorisations (la_code, child_id, school_urn);
CREATE INDEX deregistration_authorisations_by_school ON deregistration_authorisations (la_code, school_urn, created_at, id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['roll_notifications', 'expected_arrivals', 'ehe_records', 'deregistration_authorisations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (la_code = current_setting(''app.la_code'', true)) '
                       'WITH CHECK (la_code = current_setting(''app.la_code'', true))', t);
    END LOOP;
END $$;

-- Tasks may concern a roll notification or an expected arrival.
ALTER TABLE tasks ADD COLUMN notification_id uuid REFERENCES roll_notifications;
ALTER TABLE tasks ADD COLUMN expected_arrival_id uuid REFERENCES expected_arrivals;
