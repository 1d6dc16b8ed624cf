-- 0005: casework. Referrals, the CME register (cases and their events), enquiries, safe-and-well
-- visits, tasks, the outbox, and the current roll that matching reads (filled from roll
-- notifications by a later migration's code; tests insert rows directly until then).
--
-- Every table is tenant-owned with the same row-level security as 0002, except that an enquiry is
-- also visible to the council it is addressed to: the only row one council can ever see of another.

-- Where each child is on roll now: one row per child and school, `since` the addition's date.
CREATE TABLE current_roll (
    la_code    text NOT NULL REFERENCES local_authorities,
    child_id   uuid NOT NULL REFERENCES children,
    school_urn text NOT NULL CHECK (school_urn ~ '^[0-9]{6}$'),
    since      date NOT NULL,
    PRIMARY KEY (la_code, child_id, school_urn)
);

CREATE TABLE referrals (
    id           uuid        PRIMARY KEY,
    seq          bigserial   NOT NULL,
    la_code      text        NOT NULL REFERENCES local_authorities,
    status       text        NOT NULL CHECK (status IN ('received', 'accepted', 'rejected', 'linked')),
    received_at  timestamptz NOT NULL,
    received_on  date        NOT NULL,
    submitted_by uuid,
    source_kind  text        NOT NULL,
    reason       text        NOT NULL,
    child_id     uuid        NOT NULL REFERENCES children,
    form         jsonb       NOT NULL,
    warnings     jsonb       NOT NULL,
    matches      jsonb       NOT NULL,
    case_id      uuid,
    decision     jsonb,
    version      integer     NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL
);
-- Lists walk by seq (the order rows were inserted, never changed), newest first.
CREATE INDEX referrals_newest ON referrals (la_code, seq DESC);
CREATE INDEX referrals_by_status ON referrals (la_code, status, seq DESC);
CREATE INDEX referrals_by_case ON referrals (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX referrals_by_submitter ON referrals (submitted_by) WHERE submitted_by IS NOT NULL;

-- The last sequence number given per council and year. The opening transaction updates (and so
-- locks) the row: concurrent openings queue on it, and a rolled-back one gives its number back.
CREATE TABLE case_reference_counters (
    la_code       text    NOT NULL REFERENCES local_authorities,
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last_sequence integer NOT NULL CHECK (last_sequence BETWEEN 1 AND 999999),
    PRIMARY KEY (la_code, year)
);

CREATE TABLE cases (
    id                   uuid        PRIMARY KEY,
    seq                  bigserial   NOT NULL,
    la_code              text        NOT NULL REFERENCES local_authorities,
    reference            text        NOT NULL UNIQUE CHECK (reference ~ '^CME-[0-9]{3}-[0-9]{4}-[0-9]{6}$'),
    child_id             uuid        NOT NULL REFERENCES children,
    status               text        NOT NULL CHECK (status IN ('open', 'located', 'pending_transfer', 'closed')),
    outcome              text,
    reason               text        NOT NULL,
    opened_at            timestamptz NOT NULL,
    opened_on            date        NOT NULL,
    closed_at            timestamptz,
    assigned_officer     jsonb,
    risk_flags           text[]      NOT NULL DEFAULT '{}',
    safeguarding_concern boolean     NOT NULL DEFAULT false,
    untraceable          boolean     NOT NULL DEFAULT false,
    last_trace_on        date,
    next_review_on       date,
    review_approximate   boolean     NOT NULL DEFAULT false,
    closure              jsonb,
    located              jsonb,
    transfer             jsonb,
    version              integer     NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL,
    CHECK ((status = 'closed') = (outcome IS NOT NULL))
);
CREATE INDEX cases_newest ON cases (la_code, seq DESC);
CREATE INDEX cases_by_status ON cases (la_code, status, seq DESC);
CREATE INDEX cases_risk_flags ON cases USING gin (risk_flags);
-- A child has at most one case that is not closed: a second accept must link instead.
CREATE UNIQUE INDEX cases_one_live_per_child ON cases (la_code, child_id) WHERE status <> 'closed';
CREATE INDEX cases_by_child ON cases (la_code, child_id);

ALTER TABLE referrals ADD FOREIGN KEY (case_id) REFERENCES cases;

-- The timeline: every event of a case, in the order it happened.
CREATE TABLE case_events (
    id        bigserial   PRIMARY KEY,
    la_code   text        NOT NULL,
    case_id   uuid        NOT NULL REFERENCES cases,
    at        timestamptz NOT NULL,
    kind      text        NOT NULL,
    client_id uuid,
    role      text        NOT NULL,
    details   jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_by_case ON case_events (la_code, case_id, id);

CREATE TABLE enquiries (
    id                  uuid        PRIMARY KEY,
    la_code             text        NOT NULL REFERENCES local_authorities,
    case_id             uuid        NOT NULL REFERENCES cases,
    case_reference      text        NOT NULL,
    agency_type         text        NOT NULL,
    agency_name         text,
    addressed_client_id uuid,
    addressed_la_code   text        CHECK (addressed_la_code ~ '^[0-9]{3}$'),
    question            text        NOT NULL,
    child               jsonb       NOT NULL,
    sent_on             date        NOT NULL,
    due_on              date        NOT NULL,
    due_approximate     boolean     NOT NULL DEFAULT false,
    status              text        NOT NULL CHECK (status IN ('open', 'answered')),
    response            jsonb,
    answered_at         timestamptz,
    created_at          timestamptz NOT NULL,
    CHECK (addressed_la_code IS NULL OR addressed_la_code <> la_code)
);
CREATE INDEX enquiries_by_due ON enquiries (la_code, due_on, id);
CREATE INDEX enquiries_by_case ON enquiries (case_id);
CREATE INDEX enquiries_to_client ON enquiries (addressed_client_id, due_on, id) WHERE addressed_client_id IS NOT NULL;
CREATE INDEX enquiries_to_council ON enquiries (addressed_la_code, due_on, id) WHERE addressed_la_code IS NOT NULL;

CREATE TABLE visits (
    id              uuid        PRIMARY KEY,
    la_code         text        NOT NULL REFERENCES local_authorities,
    case_id         uuid        NOT NULL REFERENCES cases,
    address         jsonb,
    team            text,
    requested_on    date        NOT NULL,
    due_on          date        NOT NULL,
    due_approximate boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL CHECK (status IN ('requested', 'completed')),
    outcome         text,
    visited_on      date,
    notes           text,
    concerns        text,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz
);
CREATE INDEX visits_by_case ON visits (case_id);

-- Derived work. Whether a task is overdue is computed when it is read, never stored.
CREATE TABLE tasks (
    id              uuid        PRIMARY KEY,
    la_code         text        NOT NULL REFERENCES local_authorities,
    kind            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
    due_on          date        NOT NULL,
    due_approximate boolean     NOT NULL DEFAULT false,
    case_id         uuid        REFERENCES cases,
    referral_id     uuid        REFERENCES referrals,
    enquiry_id      uuid        REFERENCES enquiries,
    visit_id        uuid        REFERENCES visits,
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    completed_by    uuid,
    notes           text
);
CREATE INDEX tasks_by_due ON tasks (la_code, due_on, id);
CREATE INDEX tasks_by_status ON tasks (la_code, status, due_on, id);
CREATE INDEX tasks_by_case ON tasks (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX tasks_by_referral ON tasks (referral_id) WHERE referral_id IS NOT NULL;
CREATE INDEX tasks_by_enquiry ON tasks (enquiry_id) WHERE enquiry_id IS NOT NULL;
CREATE INDEX tasks_by_visit ON tasks (visit_id) WHERE visit_id IS NOT NULL;

-- Events for other systems, written in the transaction of the change they announce; a delivery
-- worker publishes them and sets published_at. Payloads carry ids and references, never names.
CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    la_code      text        NOT NULL,
    topic        text        NOT NULL,
    subject_type text        NOT NULL,
    subject_id   uuid        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['current_roll', 'referrals', 'case_reference_counters', 'cases', 'case_events',
                             'visits', 'tasks', 'outbox'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (la_code = current_setting(''app.la_code'', true)) '
                       'WITH CHECK (la_code = current_setting(''app.la_code'', true))', t);
    END LOOP;
END $$;

-- An enquiry belongs to the council that asked, and is seen (and answered) by the council asked.
ALTER TABLE enquiries ENABLE ROW LEVEL SECURITY;
ALTER TABLE enquiries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON enquiries
    USING (la_code = current_setting('app.la_code', true) OR addressed_la_code = current_setting('app.la_code', true))
    WITH CHECK (la_code = current_setting('app.la_code', true) OR addressed_la_code = current_setting('app.la_code', true));
