package review

import (
	"context"
	"errors"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// CounterpartyStatus tells the order checker what the store holds on a
// counterparty: whether it is blocked, citing the true match that blocked
// it, and its open alert. A *Service is an orders.Counterparties.
func (s *Service) CounterpartyStatus(ctx context.Context, id string) (orders.CounterpartyStatus, error) {
	var cs orders.CounterpartyStatus
	if _, err := s.store.Counterparty(ctx, id); errors.Is(err, store.ErrNotFound) {
		return cs, nil
	} else if err != nil {
		return cs, err
	}
	cs.Known = true
	blk, blocked, err := s.store.CounterpartyBlock(ctx, id)
	if err != nil {
		return cs, err
	}
	if blocked {
		b := &orders.CounterpartyBlock{AlertID: blk.AlertID, EntityID: blk.EntityID, DecidedBy: blk.BlockedBy, BlockedAt: blk.BlockedAt}
		a, err := s.store.Alert(ctx, blk.AlertID)
		if err != nil {
			return cs, err
		}
		// The disposition is the true match on the blocking entry that
		// took effect; the block was written in its transaction.
		hits := make(map[int64]string, len(a.Hits))
		for _, h := range a.Hits {
			hits[h.ID] = h.EntityID
		}
		for _, d := range a.Dispositions {
			if d.Verdict == TrueMatch && hits[d.HitID] == blk.EntityID && d.Status == store.DispositionEffective {
				b.DispositionID, b.DecidedBy, b.ApprovedBy = d.ID, d.DecidedBy, d.ApprovedBy
				break
			}
		}
		cs.Block = b
	}
	open, err := s.store.Alerts(ctx, store.AlertFilter{SubjectKind: "counterparty", SubjectID: id, Open: true, Limit: 1})
	if err != nil {
		return cs, err
	}
	if len(open) > 0 {
		cs.OpenAlertID, cs.OpenAlertStatus = open[0].ID, open[0].Status
	}
	return cs, nil
}

// OrderHistory is the order checker's party history kept in the store:
// the parties of cleared orders, so that "new party" means new to the
// system of record, not to one file.
type OrderHistory struct {
	ctx   context.Context
	s     *Service
	actor store.Actor
}

// OrderHistory returns the store's party history; actor is who the
// recorded parties are written as in the audit trail.
func (s *Service) OrderHistory(ctx context.Context, actor store.Actor) *OrderHistory {
	return &OrderHistory{ctx: ctx, s: s, actor: actor}
}

// Known implements orders.History.
func (h *OrderHistory) Known(key, orderID string, at time.Time) (bool, error) {
	return h.s.store.PartyKnown(h.ctx, key, orderID, at)
}

// Record implements orders.History. Only a clear order's parties become
// known: a blocked order's never must, and a review order's wait for the
// analyst's decision.
func (h *OrderHistory) Record(orderID string, at time.Time, decision orders.Decision, keys []string) error {
	if decision != orders.Clear || len(keys) == 0 {
		return nil
	}
	return h.s.store.Write(h.ctx, h.actor, "cleared order", func(tx *store.Tx) error {
		return tx.RecordOrderParties(h.ctx, orderID, at, keys)
	})
}
