-- The party history of checked orders, and lifting a block under four eyes.

-- order_parties is the memory behind the "new party" red flag: the
-- parties (orders.PartyKey) of each cleared order. A blocked order's
-- parties never enter it.
CREATE TABLE order_parties (
    party_key TEXT NOT NULL,
    order_id  TEXT NOT NULL,
    order_at  TEXT NOT NULL,
    PRIMARY KEY (party_key, order_id)
) WITHOUT ROWID;

-- unblock_requests: an analyst proposes lifting a counterparty's block
-- with a reason; it takes effect only when another user with the reviewer
-- role approves.
CREATE TABLE unblock_requests (
    id              INTEGER PRIMARY KEY,
    counterparty_id TEXT NOT NULL,
    alert_id        INTEGER NOT NULL REFERENCES alerts (id),
    entity_id       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending_approval', 'approved', 'rejected')),
    reason          TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX unblock_one_pending ON unblock_requests (counterparty_id) WHERE status = 'pending_approval';
