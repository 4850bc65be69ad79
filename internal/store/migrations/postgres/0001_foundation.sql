-- The system of record's foundation: users and keys, counterparties with
-- their versions, and the hash-chained audit trail. Screenings, hits,
-- alerts, dispositions, approvals and suppressions follow in later
-- migrations (docs/store.md has their design).

CREATE TABLE users (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'reviewer', 'auditor', 'integration')),
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_keys (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    prefix     TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE counterparties (
    id              BIGSERIAL PRIMARY KEY,
    external_id     TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    current_hash    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE counterparty_versions (
    counterparty_id BIGINT NOT NULL REFERENCES counterparties (id),
    version         INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('person', 'organisation', 'vessel', 'aircraft', 'unknown')),
    name            TEXT NOT NULL,
    country         TEXT NOT NULL DEFAULT '',
    dob             TEXT NOT NULL DEFAULT '',
    data            JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (counterparty_id, version)
);

-- before_json and after_json are TEXT, not JSONB: the hash covers their
-- exact bytes, which JSONB would reformat.
CREATE TABLE audit_events (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL,
    actor_key   TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);

-- No code path changes an event; this refuses it from any other path too.
-- It does not stop someone who can drop it: audit verify finds that.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
