package orders

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Counterparties is what the system of record knows of the counterparties
// an order names by counterparty_id. review.OrderCounterparties implements
// it on the store.
type Counterparties interface {
	CounterpartyStatus(ctx context.Context, id string) (CounterpartyStatus, error)
}

// CounterpartyStatus is a counterparty's standing in the system of record.
type CounterpartyStatus struct {
	// Known is false for an id the store has no counterparty for.
	Known bool
	// Block, when set, is the true match that blocked the counterparty.
	Block *CounterpartyBlock
	// OpenAlertID is the counterparty's alert that is not closed, if any.
	OpenAlertID     int64
	OpenAlertStatus string
}

// CounterpartyBlock cites the disposition that blocked a counterparty.
type CounterpartyBlock struct {
	AlertID       int64
	DispositionID int64
	// EntityID is the listed entry the true match was on.
	EntityID   string
	DecidedBy  string
	ApprovedBy string
	BlockedAt  time.Time
}

// SetCounterparties makes the checker look up every party that carries a
// counterparty_id: a blocked counterparty blocks the order, one with an open
// alert asks for review, and an id the store does not know asks for review
// too, since the party's screening record cannot be found.
func (c *Checker) SetCounterparties(cs Counterparties) { c.parties = cs }

func (st *check) counterparties(ctx context.Context) error {
	if st.c.parties == nil {
		return nil
	}
	for _, p := range st.n.parties {
		id := strings.TrimSpace(p.CounterpartyID)
		if id == "" {
			continue
		}
		cs, err := st.c.parties.CounterpartyStatus(ctx, id)
		if err != nil {
			return fmt.Errorf("counterparty %s: %w", id, err)
		}
		field := p.path + ".counterparty_id"
		ev := Evidence{Field: field, Value: id, CounterpartyID: id}
		if !cs.Known {
			st.add(RuleCounterpartyUnknown, false, ev,
				"The %s %q names counterparty %s, which the system of record does not hold", roleWords(p.Role), p.Name, id)
			continue
		}
		if b := cs.Block; b != nil {
			ev.EntityID, ev.AlertID, ev.DispositionID = b.EntityID, b.AlertID, b.DispositionID
			ev.DecidedBy, ev.ApprovedBy, ev.BlockedAt = b.DecidedBy, b.ApprovedBy, b.BlockedAt.UTC().Format(time.RFC3339)
			who := b.DecidedBy
			if b.ApprovedBy != "" && b.ApprovedBy != b.DecidedBy {
				who += ", approved by " + b.ApprovedBy
			}
			st.add(RuleCounterpartyBlocked, false, ev,
				"The %s %q is counterparty %s, blocked since %s: true match on %s (alert %d, disposition %d by %s)",
				roleWords(p.Role), p.Name, id, ev.BlockedAt, b.EntityID, b.AlertID, b.DispositionID, who)
		}
		if cs.OpenAlertID != 0 {
			ev := Evidence{Field: field, Value: id, CounterpartyID: id, AlertID: cs.OpenAlertID}
			st.add(RuleCounterpartyAlert, false, ev,
				"The %s %q is counterparty %s, whose alert %d is %s and not yet decided",
				roleWords(p.Role), p.Name, id, cs.OpenAlertID, strings.ReplaceAll(cs.OpenAlertStatus, "_", " "))
		}
	}
	return nil
}
