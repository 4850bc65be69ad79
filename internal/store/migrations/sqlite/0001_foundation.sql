-- The system of record's foundation: users and keys, counterparties with
-- their versions, and the hash-chained audit trail. Screenings, hits,
-- alerts, dispositions, approvals and suppressions follow in later
-- migrations (docs/store.md has their design).
-- Times are UTC text in RFC 3339 with microseconds, so that they sort as text.

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'reviewer', 'auditor', 'integration')),
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    prefix     TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE counterparties (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    current_hash    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE counterparty_versions (
    counterparty_id INTEGER NOT NULL REFERENCES counterparties (id),
    version         INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('person', 'organisation', 'vessel', 'aircraft', 'unknown')),
    name            TEXT NOT NULL,
    country         TEXT NOT NULL DEFAULT '',
    dob             TEXT NOT NULL DEFAULT '',
    data            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (counterparty_id, version)
) WITHOUT ROWID;

CREATE TABLE audit_events (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
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

-- No code path changes an event; these refuse it from any other path too.
-- They do not stop someone who can drop them: audit verify finds that.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
