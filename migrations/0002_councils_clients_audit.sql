-- 0002: councils, their schools and calendars, API clients, the audit trail; tenant isolation.
--
-- Every tenant-owned table carries la_code and row-level security keyed on the transaction's
-- app.la_code setting (set by the store's unit of work with set_config(..., true)). FORCE makes the
-- policies bind the tables' owner too, which is the role the service normally connects as. A
-- transaction that never set app.la_code sees no tenant row at all: current_setting(..., true) is
-- then NULL or '', which equals no la_code.

CREATE TABLE local_authorities (
    la_code    text        PRIMARY KEY CHECK (la_code ~ '^[0-9]{3}$'),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    policy     jsonb       NOT NULL,
    preset     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A council's register of schools (from GIAS): a school near a border may be on two councils' lists.
CREATE TABLE schools (
    la_code    text        NOT NULL REFERENCES local_authorities,
    urn        text        NOT NULL CHECK (urn ~ '^[0-9]{6}$'),
    laestab    text        NOT NULL CHECK (laestab ~ '^[0-9]{7}$'),
    name       text        NOT NULL,
    phase      text,
    type       text,
    status     text,
    postcode   text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (la_code, urn)
);

CREATE TABLE school_calendars (
    la_code       text        NOT NULL REFERENCES local_authorities,
    academic_year integer     NOT NULL CHECK (academic_year BETWEEN 2000 AND 2100),
    terms         jsonb       NOT NULL,
    closures      date[]      NOT NULL DEFAULT '{}',
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (la_code, academic_year)
);

CREATE TABLE api_clients (
    id          uuid        PRIMARY KEY,
    la_code     text        NOT NULL REFERENCES local_authorities,
    role        text        NOT NULL CHECK (role IN ('admin', 'officer', 'school', 'agency', 'intake')),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    school_urn  text,
    agency_type text,
    agency_name text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    CHECK ((role = 'school') = (school_urn IS NOT NULL)),
    CHECK ((role = 'agency') = (agency_type IS NOT NULL)),
    FOREIGN KEY (la_code, school_urn) REFERENCES schools (la_code, urn)
);
CREATE INDEX api_clients_la ON api_clients (la_code, created_at, id);

-- Tokens are looked up before the caller's council is known, so this table is not tenant-isolated:
-- it holds nothing but a SHA-256 of each live token, whose client, and which council.
CREATE TABLE client_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    client_id  uuid  NOT NULL UNIQUE REFERENCES api_clients ON DELETE CASCADE,
    la_code    text  NOT NULL
);

CREATE TABLE audit_events (
    id           bigserial   PRIMARY KEY,
    la_code      text        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    client_id    uuid,
    role         text        NOT NULL,
    action       text        NOT NULL,
    subject_type text        NOT NULL,
    subject_id   text        NOT NULL,
    request_id   text        NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (la_code, subject_type, subject_id, id);

-- The trail cannot be rewritten by the service: no UPDATE, DELETE or TRUNCATE privilege (revoked
-- from the owner too), and a trigger that refuses them should a privilege come back.
CREATE FUNCTION audit_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or removed' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_are_immutable();
CREATE TRIGGER audit_events_not_truncated BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_are_immutable();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER;

-- Idempotency records hold response bodies (personal data): tenant-owned from now on.
ALTER TABLE idempotency_keys ADD COLUMN la_code text NOT NULL;

-- Row-level security on every tenant-owned table.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['local_authorities', 'schools', 'school_calendars', 'api_clients',
                             'audit_events', 'idempotency_keys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant ON %I USING (la_code = current_setting(''app.la_code'', true)) '
                       'WITH CHECK (la_code = current_setting(''app.la_code'', true))', t);
    END LOOP;
END $$;

-- A superuser (or a BYPASSRLS role) ignores row-level security. When the service connects as one,
-- its unit of work switches to this role for each transaction (SET LOCAL ROLE), so the policies
-- bind it all the same. Created only where the migrating role may create roles.
DO $$
BEGIN
    IF (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cme_tenant') THEN
            CREATE ROLE cme_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
        END IF;
        GRANT USAGE ON SCHEMA public TO cme_tenant;
        GRANT SELECT, INSERT, UPDATE, DELETE ON local_authorities, schools, school_calendars, api_clients,
            client_tokens, idempotency_keys TO cme_tenant;
        GRANT SELECT, INSERT ON audit_events TO cme_tenant;
        GRANT USAGE ON SEQUENCE audit_events_id_seq TO cme_tenant;
        -- Tables of later migrations get the same grants without repeating this.
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cme_tenant;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO cme_tenant;
    END IF;
END $$;
