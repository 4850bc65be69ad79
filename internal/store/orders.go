package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PartyKnown reports whether the party with key was recorded, at or before
// at, for an order other than orderID: the "new party" question of the
// order checker, answered from the database instead of a file.
func (s *Store) PartyKnown(ctx context.Context, key, orderID string, at time.Time) (bool, error) {
	var one int
	err := s.read.QueryRowContext(ctx, `SELECT 1 FROM order_parties
		WHERE party_key = $1 AND order_id <> $2 AND order_at <= $3 LIMIT 1`, key, orderID, s.ts(at)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("party history: %w", err)
	}
	return true, nil
}

// RecordOrderParties adds the parties of order orderID, dated at, to the
// party history; a party already recorded for that order is kept as is.
func (t *Tx) RecordOrderParties(ctx context.Context, orderID string, at time.Time, keys []string) error {
	var added []string
	for _, k := range keys {
		res, err := t.exec(ctx, `INSERT INTO order_parties (party_key, order_id, order_at) VALUES ($1, $2, $3)
			ON CONFLICT (party_key, order_id) DO NOTHING`, k, orderID, t.s.ts(at))
		if err != nil {
			return fmt.Errorf("party history: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added = append(added, k)
		}
	}
	if len(added) == 0 {
		return nil
	}
	return t.record(Change{Action: "order.parties", ObjectType: "order", ObjectID: orderID,
		After: map[string]any{"order_at": at.UTC().Format(time.RFC3339), "parties": added}})
}

// Unblock request statuses.
const (
	UnblockPending  = "pending_approval"
	UnblockApproved = "approved"
	UnblockRejected = "rejected"
)

// UnblockRequest is a proposal to lift a counterparty's block; it takes
// effect when a second user approves it.
type UnblockRequest struct {
	ID             int64     `json:"id"`
	CounterpartyID string    `json:"counterparty_id"`
	AlertID        int64     `json:"alert_id"`
	EntityID       string    `json:"entity_id"`
	Status         string    `json:"status"`
	Reason         string    `json:"reason"`
	RequestedBy    string    `json:"requested_by"`
	RequestedAt    time.Time `json:"requested_at"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
	Note           string    `json:"note,omitempty"`
}

// ErrUnblockPending is a second proposal while one waits for approval.
var ErrUnblockPending = errors.New("an unblock request is already awaiting approval")

// AddUnblockRequest records a pending proposal to lift b.
func (t *Tx) AddUnblockRequest(ctx context.Context, b Block, reason string) (UnblockRequest, error) {
	u := UnblockRequest{CounterpartyID: b.CounterpartyID, AlertID: b.AlertID, EntityID: b.EntityID, Status: UnblockPending,
		Reason: reason, RequestedBy: t.actor.Name, RequestedAt: t.now}
	var pending int
	err := t.tx.QueryRowContext(ctx, `SELECT count(*) FROM unblock_requests WHERE counterparty_id = $1 AND status = $2`,
		u.CounterpartyID, UnblockPending).Scan(&pending)
	if err != nil {
		return u, fmt.Errorf("unblock %s: %w", u.CounterpartyID, err)
	}
	if pending > 0 {
		return u, fmt.Errorf("counterparty %s: %w", u.CounterpartyID, ErrUnblockPending)
	}
	err = t.queryRow(ctx, `INSERT INTO unblock_requests (counterparty_id, alert_id, entity_id, status, reason, requested_by, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		u.CounterpartyID, u.AlertID, u.EntityID, u.Status, u.Reason, u.RequestedBy, t.s.ts(t.now)).Scan(&u.ID)
	if err != nil {
		return u, fmt.Errorf("unblock %s: %w", u.CounterpartyID, err)
	}
	return u, t.record(Change{Action: "counterparty.unblock_request", ObjectType: "counterparty", ObjectID: u.CounterpartyID, After: u})
}

const unblockColumns = `SELECT id, counterparty_id, alert_id, entity_id, status, reason, requested_by, requested_at,
	decided_by, decided_at, note FROM unblock_requests `

func scanUnblocks(ctx context.Context, q querier, where string, args ...any) ([]UnblockRequest, error) {
	rows, err := q.QueryContext(ctx, unblockColumns+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnblockRequest
	for rows.Next() {
		var u UnblockRequest
		var req, dec dbTime
		if err := rows.Scan(&u.ID, &u.CounterpartyID, &u.AlertID, &u.EntityID, &u.Status, &u.Reason, &u.RequestedBy, &req,
			&u.DecidedBy, &dec, &u.Note); err != nil {
			return nil, err
		}
		u.RequestedAt, u.DecidedAt = req.Time, dec.Time
		out = append(out, u)
	}
	return out, rows.Err()
}

// UnblockRequest returns one unblock request, locked for the decision.
func (t *Tx) UnblockRequest(ctx context.Context, id int64) (UnblockRequest, error) {
	us, err := scanUnblocks(ctx, t.tx, `WHERE id = $1`+t.s.forUpdate(), id)
	if err != nil {
		return UnblockRequest{}, fmt.Errorf("unblock request %d: %w", id, err)
	}
	if len(us) == 0 {
		return UnblockRequest{}, fmt.Errorf("unblock request %d: %w", id, ErrNotFound)
	}
	return us[0], nil
}

// UnblockRequests returns a counterparty's unblock requests, oldest first.
func (s *Store) UnblockRequests(ctx context.Context, counterpartyID string) ([]UnblockRequest, error) {
	return scanUnblocks(ctx, s.read, `WHERE counterparty_id = $1 ORDER BY id`, counterpartyID)
}

// DecideUnblock approves or rejects a pending request; an approval lifts
// the block it was made on.
func (t *Tx) DecideUnblock(ctx context.Context, before UnblockRequest, approve bool, note string) (UnblockRequest, error) {
	u := before
	u.Status, u.DecidedBy, u.DecidedAt, u.Note = UnblockRejected, t.actor.Name, t.now, note
	if approve {
		u.Status = UnblockApproved
	}
	res, err := t.exec(ctx, `UPDATE unblock_requests SET status = $1, decided_by = $2, decided_at = $3, note = $4
		WHERE id = $5 AND status = $6`, u.Status, u.DecidedBy, t.s.ts(t.now), note, u.ID, UnblockPending)
	if err != nil {
		return u, fmt.Errorf("unblock request %d: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return u, fmt.Errorf("unblock request %d: %w", u.ID, errConflict)
	}
	if err := t.record(Change{Action: "counterparty.unblock_" + map[bool]string{true: "approve", false: "reject"}[approve],
		ObjectType: "counterparty", ObjectID: u.CounterpartyID, Before: before, After: u}); err != nil {
		return u, err
	}
	if !approve {
		return u, nil
	}
	res, err = t.exec(ctx, `DELETE FROM counterparty_blocks WHERE counterparty_id = $1 AND alert_id = $2 AND entity_id = $3`,
		u.CounterpartyID, u.AlertID, u.EntityID)
	if err != nil {
		return u, fmt.Errorf("lift block of %s: %w", u.CounterpartyID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return u, fmt.Errorf("lift block of %s: the block the request was made on is gone: %w", u.CounterpartyID, ErrNotFound)
	}
	return u, t.record(Change{Action: "counterparty.unblock", ObjectType: "counterparty", ObjectID: u.CounterpartyID,
		Before: Block{CounterpartyID: u.CounterpartyID, AlertID: u.AlertID, EntityID: u.EntityID}, After: map[string]any{"blocked": false, "unblock_request": u.ID}})
}
