package review

import (
	"context"
	"fmt"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// ProposeUnblock asks for a counterparty's block to be lifted. The block
// stays, and later orders naming the counterparty stay blocked, until a
// reviewer other than the proposer approves (DecideUnblock).
func (s *Service) ProposeUnblock(ctx context.Context, actor store.Actor, counterpartyID, reason string) (store.UnblockRequest, error) {
	if err := allow(actor, OpUnblock); err != nil {
		return store.UnblockRequest{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return store.UnblockRequest{}, &InputError{"reason", "lifting a block needs a reason"}
	}
	var u store.UnblockRequest
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		blk, blocked, err := tx.CounterpartyBlock(ctx, counterpartyID)
		if err != nil {
			return err
		}
		if !blocked {
			return &InputError{"counterparty_id", fmt.Sprintf("counterparty %s is not blocked", counterpartyID)}
		}
		u, err = tx.AddUnblockRequest(ctx, blk, reason)
		return err
	})
	return u, err
}

// DecideUnblock approves or rejects an unblock request: the second pair
// of eyes, never the proposer's. A rejection needs a note.
func (s *Service) DecideUnblock(ctx context.Context, actor store.Actor, reason string, id int64, approve bool, note string) (store.UnblockRequest, error) {
	if err := allow(actor, OpApprove); err != nil {
		return store.UnblockRequest{}, err
	}
	if !approve && strings.TrimSpace(note) == "" {
		return store.UnblockRequest{}, &InputError{"note", "a rejection needs a note saying why"}
	}
	var u store.UnblockRequest
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		before, err := tx.UnblockRequest(ctx, id)
		if err != nil {
			return err
		}
		if before.Status != store.UnblockPending {
			return &InputError{"id", fmt.Sprintf("unblock request %d is %s, not awaiting approval", id, before.Status)}
		}
		if before.RequestedBy == actor.Name {
			return fmt.Errorf("unblock request %d was proposed by %s: %w", id, actor.Name, ErrOwnDecision)
		}
		u, err = tx.DecideUnblock(ctx, before, approve, note)
		return err
	})
	return u, err
}
