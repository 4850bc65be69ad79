-- Links from a recorded screening of a scanned document to the
-- registered counterparties it names: a structured party (payer,
-- beneficiary, shipper...) or a name in its free text. A counterparty's
-- screenings include the documents linked to it.
CREATE TABLE screening_links (
    screening_id         BIGINT NOT NULL REFERENCES screenings (id),
    counterparty_id      TEXT NOT NULL,
    counterparty_version INTEGER NOT NULL,
    role                 TEXT NOT NULL,
    field                TEXT NOT NULL,
    written              TEXT NOT NULL,
    via                  TEXT NOT NULL CHECK (via IN ('identifier', 'name', 'text')),
    score                DOUBLE PRECISION NOT NULL,
    explanation          TEXT NOT NULL,
    PRIMARY KEY (screening_id, counterparty_id, role, field)
);
CREATE INDEX screening_links_by_counterparty ON screening_links (counterparty_id, screening_id);
