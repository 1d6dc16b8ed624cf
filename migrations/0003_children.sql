-- 0003: children, the people records that referrals, cases and roll notifications share.
--
-- Names are searched case- and accent-insensitively: the service stores each name's key as
-- CMEDomain's NameNormalisation gives it (lower case, accents and apostrophes gone, no spaces), so
-- the database and the matcher agree on what "the same name" is, and pg_trgm indexes the keys for
-- misspellings.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE children (
    id                    uuid        PRIMARY KEY,
    la_code               text        NOT NULL REFERENCES local_authorities,
    upn                   text        CHECK (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
    first_name            text        NOT NULL,
    last_name             text        NOT NULL,
    other_names           text[]      NOT NULL DEFAULT '{}',
    first_name_key        text        NOT NULL,
    last_name_key         text        NOT NULL,
    date_of_birth         date,
    gender                text        CHECK (gender IN ('female', 'male', 'other', 'unknown')),
    ethnicity             text,
    eal                   boolean,
    fsm                   boolean,
    sen                   text        CHECK (sen IN ('none', 'sen_support', 'ehcp')),
    looked_after          boolean     NOT NULL DEFAULT false,
    child_protection_plan boolean     NOT NULL DEFAULT false,
    child_in_need_plan    boolean     NOT NULL DEFAULT false,
    vulnerable_groups     text[]      NOT NULL DEFAULT '{}',
    address               jsonb,
    postcode_key          text,
    phone                 text,
    gp                    text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
-- One record per UPN in a council; children without a UPN are told apart by the matcher.
CREATE UNIQUE INDEX children_upn ON children (la_code, upn) WHERE upn IS NOT NULL;
CREATE INDEX children_date_of_birth ON children (la_code, date_of_birth);
CREATE INDEX children_last_name_trgm ON children USING gin (last_name_key gin_trgm_ops);

ALTER TABLE children ENABLE ROW LEVEL SECURITY;
ALTER TABLE children FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON children USING (la_code = current_setting('app.la_code', true))
    WITH CHECK (la_code = current_setting('app.la_code', true));
