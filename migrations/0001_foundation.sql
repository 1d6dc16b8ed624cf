-- 0001: the service's own housekeeping, before any CME data.
-- The idempotency store of DESIGN.md 3.1 (every POST accepts Idempotency-Key; kept at least 24 h):
-- the first response for (client, key) is kept with a hash of its request so that a retry gets the
-- same answer and a different body under the same key is refused.
CREATE TABLE idempotency_keys (
    client_id     uuid        NOT NULL,
    key           text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash  text        NOT NULL,
    status        integer     NOT NULL,
    response_body bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
