-- Recorded screenings, their hits, alerts, dispositions under four eyes,
-- and suppressions that reopen. Times are timestamptz as in 0001.

-- list_entries keeps each listed entry as it stood when it was hit, once
-- per content hash, so that a reopened alert can show what changed.
CREATE TABLE list_entries (
    hash      TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    content   TEXT NOT NULL
);

CREATE TABLE alerts (
    id           BIGSERIAL PRIMARY KEY,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('counterparty', 'order', 'query')),
    subject_id   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'in_review', 'escalated', 'awaiting_approval', 'closed')),
    priority     INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
    assignee     TEXT NOT NULL DEFAULT '',
    due_at       TIMESTAMPTZ NOT NULL,
    outcome      TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ
);
-- One open alert per counterparty, order or API-screened party id: new
-- hits join it.
CREATE UNIQUE INDEX alerts_one_open ON alerts (subject_kind, subject_id) WHERE status <> 'closed';
-- The work lists: each filter leads an index that ends in the list order
-- (priority, due date, id), so a page is read in order without sorting.
CREATE INDEX alerts_by_status ON alerts (status, priority, due_at, id);
CREATE INDEX alerts_by_assignee ON alerts (assignee, status, priority, due_at, id);
CREATE INDEX alerts_by_priority ON alerts (priority, due_at, id);
CREATE INDEX alerts_by_subject ON alerts (subject_kind, subject_id, id);

CREATE TABLE screenings (
    id              BIGSERIAL PRIMARY KEY,
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('counterparty', 'order', 'query')),
    subject_id      TEXT NOT NULL,
    subject_version INTEGER NOT NULL DEFAULT 0,
    cause           TEXT NOT NULL,
    input           TEXT NOT NULL,
    list_versions   TEXT NOT NULL,
    engine_version  TEXT NOT NULL,
    rules_version   TEXT NOT NULL DEFAULT '',
    threshold       DOUBLE PRECISION NOT NULL,
    decision        TEXT NOT NULL DEFAULT '',
    hit_count       INTEGER NOT NULL,
    alert_id        BIGINT REFERENCES alerts (id),
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL
);
CREATE INDEX screenings_by_subject ON screenings (subject_kind, subject_id, id);
-- Finds the counterparty versions never screened (parties screen --unscreened).
CREATE INDEX screenings_by_version ON screenings (subject_kind, subject_id, subject_version);

CREATE TABLE suppressions (
    id                   BIGSERIAL PRIMARY KEY,
    counterparty_id      TEXT NOT NULL,
    entity_id            TEXT NOT NULL,
    entry_hash           TEXT NOT NULL,
    counterparty_version INTEGER NOT NULL,
    counterparty_hash    TEXT NOT NULL,
    hit_id               BIGINT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('active', 'lapsed', 'revoked')),
    reason_code          TEXT NOT NULL,
    comment              TEXT NOT NULL DEFAULT '',
    created_by           TEXT NOT NULL,
    approved_by          TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    expires_at           TIMESTAMPTZ NOT NULL,
    ended_at             TIMESTAMPTZ,
    end_reason           TEXT NOT NULL DEFAULT ''
);
-- The key of a suppression: the counterparty and every id of the listed
-- party (its own and its entries on other lists), never a name.
CREATE TABLE suppression_keys (
    counterparty_id TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    entry_hash      TEXT NOT NULL,
    suppression_id  BIGINT NOT NULL REFERENCES suppressions (id),
    PRIMARY KEY (counterparty_id, entity_id, suppression_id)
);

CREATE TABLE hits (
    id             BIGSERIAL PRIMARY KEY,
    screening_id   BIGINT NOT NULL REFERENCES screenings (id),
    alert_id       BIGINT REFERENCES alerts (id),
    entity_id      TEXT NOT NULL,
    source         TEXT NOT NULL,
    list_version   TEXT NOT NULL,
    entry_hash     TEXT NOT NULL REFERENCES list_entries (hash),
    referents      TEXT NOT NULL,
    referent_hashes TEXT NOT NULL,
    name           TEXT NOT NULL,
    matched_name   TEXT NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    explanation    TEXT NOT NULL,
    detail         TEXT NOT NULL,
    priority       INTEGER NOT NULL,
    blocking       BOOLEAN NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('below_threshold', 'suppressed', 'alerted', 'in_alert')),
    suppression_id BIGINT REFERENCES suppressions (id),
    reopened       TEXT,
    verdict        TEXT NOT NULL DEFAULT '' CHECK (verdict IN ('', 'true_match', 'false_positive', 'unsure'))
);
CREATE INDEX hits_by_screening ON hits (screening_id);
CREATE INDEX hits_by_alert ON hits (alert_id) WHERE alert_id IS NOT NULL;

CREATE TABLE dispositions (
    id             BIGSERIAL PRIMARY KEY,
    alert_id       BIGINT NOT NULL REFERENCES alerts (id),
    hit_id         BIGINT NOT NULL REFERENCES hits (id),
    verdict        TEXT NOT NULL CHECK (verdict IN ('true_match', 'false_positive', 'unsure')),
    reason_code    TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    suppress_until TIMESTAMPTZ,
    status         TEXT NOT NULL CHECK (status IN ('pending_approval', 'effective', 'rejected', 'superseded')),
    decided_by     TEXT NOT NULL,
    decided_at     TIMESTAMPTZ NOT NULL,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMPTZ,
    approval_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dispositions_by_alert ON dispositions (alert_id, id);
CREATE INDEX dispositions_by_hit ON dispositions (hit_id, id);

-- A true match on a blocking list blocks the counterparty; order checks
-- read this.
CREATE TABLE counterparty_blocks (
    counterparty_id TEXT PRIMARY KEY,
    alert_id        BIGINT NOT NULL REFERENCES alerts (id),
    entity_id       TEXT NOT NULL,
    blocked_at      TIMESTAMPTZ NOT NULL,
    blocked_by      TEXT NOT NULL
);
