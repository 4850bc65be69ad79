package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Suppression statuses.
const (
	SuppressionActive  = "active"
	SuppressionLapsed  = "lapsed"  // the entry, the counterparty or the date moved on
	SuppressionRevoked = "revoked" // withdrawn by a person
)

// Suppression stops a hit that was cleared under four eyes from alerting
// again, for one counterparty and one listed party (under every id it has
// across lists), while neither the listed entry nor the counterparty
// changes and until it expires.
type Suppression struct {
	ID             int64  `json:"id"`
	CounterpartyID string `json:"counterparty_id"`
	EntityID       string `json:"entity_id"`
	// Keys map EntityID and the ids of the party's other entries to
	// their content hashes when the decision was made.
	Keys map[string]string `json:"keys"`
	// EntryHash and the counterparty version and hash are what the
	// decision was made on.
	EntryHash           string    `json:"entry_hash"`
	CounterpartyVersion int       `json:"counterparty_version"`
	CounterpartyHash    string    `json:"counterparty_hash"`
	HitID               int64     `json:"hit_id"`
	Status              string    `json:"status"`
	ReasonCode          string    `json:"reason_code"`
	Comment             string    `json:"comment,omitempty"`
	CreatedBy           string    `json:"created_by"`
	ApprovedBy          string    `json:"approved_by"`
	CreatedAt           time.Time `json:"created_at"`
	ExpiresAt           time.Time `json:"expires_at"`
	EndedAt             time.Time `json:"ended_at,omitzero"`
	EndReason           string    `json:"end_reason,omitempty"`
}

// AddSuppression stores an approved suppression and its keys. The
// approver is the transaction's actor.
func (t *Tx) AddSuppression(ctx context.Context, sp *Suppression) error {
	if sp.CounterpartyID == "" || sp.EntityID == "" || sp.EntryHash == "" {
		return fmt.Errorf("suppression: counterparty, entity and entry hash are required")
	}
	sp.Status, sp.CreatedAt, sp.ApprovedBy = SuppressionActive, t.now, t.actor.Name
	err := t.queryRow(ctx, `INSERT INTO suppressions (counterparty_id, entity_id, entry_hash, counterparty_version,
		counterparty_hash, hit_id, status, reason_code, comment, created_by, approved_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		sp.CounterpartyID, sp.EntityID, sp.EntryHash, sp.CounterpartyVersion, sp.CounterpartyHash, sp.HitID,
		sp.Status, sp.ReasonCode, sp.Comment, sp.CreatedBy, sp.ApprovedBy, t.s.ts(t.now), t.s.ts(sp.ExpiresAt)).Scan(&sp.ID)
	if err != nil {
		return fmt.Errorf("suppression of %s for %s: %w", sp.EntityID, sp.CounterpartyID, err)
	}
	if sp.Keys == nil {
		sp.Keys = map[string]string{}
	}
	sp.Keys[sp.EntityID] = sp.EntryHash
	for _, k := range slices.Sorted(maps.Keys(sp.Keys)) {
		if _, err := t.exec(ctx, `INSERT INTO suppression_keys (counterparty_id, entity_id, entry_hash, suppression_id) VALUES ($1, $2, $3, $4)`,
			sp.CounterpartyID, k, sp.Keys[k], sp.ID); err != nil {
			return fmt.Errorf("suppression %d key %s: %w", sp.ID, k, err)
		}
	}
	return t.record(Change{Action: "suppression.add", ObjectType: "suppression", ObjectID: fmt.Sprint(sp.ID), After: sp})
}

const suppressionColumns = `SELECT s.id, s.counterparty_id, s.entity_id, s.entry_hash, s.counterparty_version,
	s.counterparty_hash, s.hit_id, s.status, s.reason_code, s.comment, s.created_by, s.approved_by, s.created_at,
	s.expires_at, s.ended_at, s.end_reason FROM suppressions s `

func scanSuppressions(ctx context.Context, q querier, where string, args ...any) ([]Suppression, error) {
	rows, err := q.QueryContext(ctx, suppressionColumns+where, args...)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	var out []Suppression
	for rows.Next() {
		var sp Suppression
		var created, expires, ended dbTime
		if err := rows.Scan(&sp.ID, &sp.CounterpartyID, &sp.EntityID, &sp.EntryHash, &sp.CounterpartyVersion,
			&sp.CounterpartyHash, &sp.HitID, &sp.Status, &sp.ReasonCode, &sp.Comment, &sp.CreatedBy, &sp.ApprovedBy,
			&created, &expires, &ended, &sp.EndReason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("suppressions: %w", err)
		}
		sp.CreatedAt, sp.ExpiresAt, sp.EndedAt = created.Time, expires.Time, ended.Time
		out = append(out, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		krows, err := q.QueryContext(ctx, `SELECT entity_id, entry_hash FROM suppression_keys WHERE suppression_id = $1`, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Keys = map[string]string{}
		for krows.Next() {
			var k, h string
			if err := krows.Scan(&k, &h); err != nil {
				krows.Close()
				return nil, err
			}
			out[i].Keys[k] = h
		}
		krows.Close()
	}
	return out, nil
}

// ActiveSuppressions returns the active suppressions of the counterparty
// keyed on any of ids, oldest first.
func (t *Tx) ActiveSuppressions(ctx context.Context, counterparty string, ids []string) ([]Suppression, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{counterparty}
	ph := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	return scanSuppressions(ctx, t.tx, `WHERE s.status = 'active' AND s.id IN (SELECT suppression_id FROM suppression_keys
		WHERE counterparty_id = $1 AND entity_id IN (`+strings.Join(ph, ", ")+`)) ORDER BY s.id`, args...)
}

// EndSuppression ends an active suppression as lapsed or revoked, once.
func (t *Tx) EndSuppression(ctx context.Context, before Suppression, status, why string) error {
	after := before
	after.Status, after.EndedAt, after.EndReason = status, t.now, why
	res, err := t.exec(ctx, `UPDATE suppressions SET status = $1, ended_at = $2, end_reason = $3 WHERE id = $4 AND status = 'active'`,
		status, t.s.ts(t.now), why, before.ID)
	if err != nil {
		return fmt.Errorf("suppression %d: %w", before.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("suppression %d: %w", before.ID, err)
	} else if n == 0 {
		// Another transaction ended it since this one read it (two
		// screenings of one party at once): run again on what is there.
		return fmt.Errorf("suppression %d ended concurrently: %w", before.ID, errConflict)
	}
	return t.record(Change{Action: "suppression." + status, ObjectType: "suppression", ObjectID: fmt.Sprint(before.ID),
		Before: before, After: after})
}

// Suppressions returns the counterparty's suppressions (every one when
// counterparty is empty), newest first.
func (s *Store) Suppressions(ctx context.Context, counterparty string) ([]Suppression, error) {
	if counterparty == "" {
		return scanSuppressions(ctx, s.read, `ORDER BY s.id DESC`)
	}
	return scanSuppressions(ctx, s.read, `WHERE s.counterparty_id = $1 ORDER BY s.id DESC`, counterparty)
}

// Suppression returns one suppression, locked for this transaction.
func (t *Tx) Suppression(ctx context.Context, id int64) (Suppression, error) {
	sps, err := scanSuppressions(ctx, t.tx, `WHERE s.id = $1`+t.s.forUpdate(), id)
	if err != nil {
		return Suppression{}, err
	}
	if len(sps) == 0 {
		return Suppression{}, fmt.Errorf("suppression %d: %w", id, ErrNotFound)
	}
	return sps[0], nil
}
