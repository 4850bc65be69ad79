package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// Actor returns the actor for a stored user, refusing unknown and
// disabled users: the workflow must know who decides, and as what.
func (s *Service) Actor(ctx context.Context, name string) (store.Actor, error) {
	u, err := s.store.User(ctx, name)
	if err != nil {
		return store.Actor{}, err
	}
	if u.Disabled {
		return store.Actor{}, fmt.Errorf("user %s is disabled", name)
	}
	return store.Actor{Name: u.Name, Role: string(u.Role)}, nil
}

// Alert returns an alert with its hits and dispositions.
func (s *Service) Alert(ctx context.Context, actor store.Actor, id int64) (store.Alert, error) {
	if err := allow(actor, OpRead); err != nil {
		return store.Alert{}, err
	}
	return s.store.Alert(ctx, id)
}

// Alerts lists alerts, most urgent first.
func (s *Service) Alerts(ctx context.Context, actor store.Actor, f store.AlertFilter) ([]store.Alert, error) {
	if err := allow(actor, OpRead); err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains(store.AlertStatuses, f.Status) {
		return nil, &InputError{"status", fmt.Sprintf("%q: want one of %s", f.Status, strings.Join(store.AlertStatuses, ", "))}
	}
	if f.Priority < 0 || f.Priority > Low {
		return nil, &InputError{"priority", fmt.Sprintf("%d: want 1 (critical) to 4 (low)", f.Priority)}
	}
	return s.store.Alerts(ctx, f)
}

// change loads alert id for update, checks that it is the version the
// caller saw (0: whatever is current) and not closed, lets fn change a
// copy, and saves it as action.
func (s *Service) change(ctx context.Context, actor store.Actor, reason string, id int64, version int, action string,
	fn func(tx *store.Tx, before store.Alert, after *store.Alert) error) (store.Alert, error) {
	var out store.Alert
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		before, err := tx.Alert(ctx, id)
		if err != nil {
			return err
		}
		// A closed alert is reported as closed whatever version the
		// caller read: that is the news they need.
		if before.Status == store.AlertClosed {
			return fmt.Errorf("alert %d: %w (closed %s with outcome %s); a change needs an open alert",
				id, ErrClosed, before.ClosedAt.Format(time.RFC3339), before.Outcome)
		}
		if version != 0 && before.Version != version {
			return fmt.Errorf("alert %d is at version %d, not %d: %w", id, before.Version, version, store.ErrVersionConflict)
		}
		after := before
		if err := fn(tx, before, &after); err != nil {
			return err
		}
		if err := tx.SaveAlert(ctx, before, &after, action); err != nil {
			return err
		}
		out, err = tx.Alert(ctx, id)
		return err
	})
	return out, err
}

// Assign gives the alert to a user who may decide hits. An analyst may
// take an alert only for themself; reviewers and admins hand them out.
func (s *Service) Assign(ctx context.Context, actor store.Actor, reason string, id int64, version int, assignee string) (store.Alert, error) {
	if err := allow(actor, OpAssign); err != nil {
		return store.Alert{}, err
	}
	if store.Role(actor.Role) == store.RoleAnalyst && assignee != actor.Name {
		return store.Alert{}, &ForbiddenError{Actor: actor.Name, Role: actor.Role, Op: "assign an alert to someone else"}
	}
	u, err := s.store.User(ctx, assignee)
	if err != nil {
		return store.Alert{}, &InputError{"assignee", err.Error()}
	}
	if u.Disabled || !Allowed(u.Role, OpDisposition) {
		return store.Alert{}, &InputError{"assignee", fmt.Sprintf("%s (role %s) cannot decide alerts", u.Name, u.Role)}
	}
	return s.change(ctx, actor, reason, id, version, "assign", func(_ *store.Tx, _ store.Alert, a *store.Alert) error {
		a.Assignee = assignee
		if a.Status == store.AlertOpen {
			a.Status = store.AlertInReview
		}
		return nil
	})
}

// Escalate passes the alert up, optionally to a named reviewer.
func (s *Service) Escalate(ctx context.Context, actor store.Actor, reason string, id int64, version int, to string) (store.Alert, error) {
	if err := allow(actor, OpEscalate); err != nil {
		return store.Alert{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return store.Alert{}, &InputError{"reason", "an escalation needs a reason"}
	}
	if to != "" {
		u, err := s.store.User(ctx, to)
		if err != nil {
			return store.Alert{}, &InputError{"to", err.Error()}
		}
		if u.Disabled || !Allowed(u.Role, OpApprove) {
			return store.Alert{}, &InputError{"to", fmt.Sprintf("%s (role %s) cannot take an escalation", u.Name, u.Role)}
		}
	}
	return s.change(ctx, actor, reason, id, version, "escalate", func(_ *store.Tx, _ store.Alert, a *store.Alert) error {
		a.Status = store.AlertEscalated
		if to != "" {
			a.Assignee = to
		}
		return nil
	})
}

// Decision is a disposition of one hit as a user proposes it.
type Decision struct {
	HitID      int64  `json:"hit_id"`
	Verdict    string `json:"verdict"`
	ReasonCode string `json:"reason_code"`
	Comment    string `json:"comment"`
	// Suppress asks that this false positive stop alerting for this
	// counterparty; SuppressFor overrides the default 12 months.
	Suppress    bool          `json:"suppress"`
	SuppressFor time.Duration `json:"suppress_for,omitempty"`
}

func (s *Service) checkDecision(d Decision) error {
	switch d.Verdict {
	case TrueMatch, FalsePositive, Unsure:
	default:
		return &InputError{"verdict", fmt.Sprintf("%q: want true_match, false_positive or unsure", d.Verdict)}
	}
	if !slices.Contains(s.cfg.ReasonCodes, d.ReasonCode) {
		return &InputError{"reason_code", fmt.Sprintf("%q: want one of %s", d.ReasonCode, strings.Join(s.cfg.ReasonCodes, ", "))}
	}
	if d.ReasonCode == "other" && strings.TrimSpace(d.Comment) == "" {
		return &InputError{"comment", "reason code other needs a comment"}
	}
	if d.Suppress && d.Verdict != FalsePositive {
		return &InputError{"suppress", "only a false positive can be suppressed"}
	}
	if d.SuppressFor < 0 || d.SuppressFor > 3*366*24*time.Hour {
		return &InputError{"suppress_for", "want a positive duration of at most three years"}
	}
	return nil
}

// Disposition records a decision on one hit of an alert. Clearing a hit
// on a blocking list, and any suppression, waits for a reviewer's
// approval; everything else takes effect at once, and a true match on a
// blocking list blocks the counterparty.
func (s *Service) Disposition(ctx context.Context, actor store.Actor, reason string, id int64, version int, d Decision) (store.Alert, error) {
	if err := allow(actor, OpDisposition); err != nil {
		return store.Alert{}, err
	}
	if d.Suppress {
		if err := allow(actor, OpSuppress); err != nil {
			return store.Alert{}, err
		}
	}
	if err := s.checkDecision(d); err != nil {
		return store.Alert{}, err
	}
	return s.change(ctx, actor, reason, id, version, "disposition", func(tx *store.Tx, before store.Alert, a *store.Alert) error {
		i := slices.IndexFunc(before.Hits, func(h store.Hit) bool { return h.ID == d.HitID })
		if i < 0 {
			return &InputError{"hit_id", fmt.Sprintf("%d is not a hit of alert %d", d.HitID, id)}
		}
		hit := before.Hits[i]
		if d.Suppress && before.SubjectKind != "counterparty" {
			return &InputError{"suppress", "only a counterparty's hits can be suppressed"}
		}
		for _, old := range before.Dispositions {
			if old.HitID == hit.ID && old.Status == store.DispositionPending {
				if _, err := tx.SetDispositionStatus(ctx, old, store.DispositionSuperseded, "superseded by a newer decision"); err != nil {
					return err
				}
			}
		}
		disp := store.Disposition{AlertID: id, HitID: hit.ID, Verdict: d.Verdict, ReasonCode: d.ReasonCode,
			Comment: strings.TrimSpace(d.Comment), Status: store.DispositionEffective}
		if d.Suppress {
			ttl := d.SuppressFor
			if ttl == 0 {
				ttl = s.cfg.SuppressionTTL
			}
			disp.SuppressUntil = s.now().Add(ttl)
		}
		if d.Suppress || (d.Verdict == FalsePositive && hit.Blocking) {
			disp.Status = store.DispositionPending
		}
		if err := tx.AddDisposition(ctx, &disp); err != nil {
			return err
		}
		if disp.Status == store.DispositionEffective {
			if err := s.takeEffect(ctx, tx, before, hit, disp); err != nil {
				return err
			}
		}
		if a.Assignee == "" {
			a.Assignee = actor.Name
		}
		return s.settle(ctx, tx, a)
	})
}

// takeEffect applies an effective disposition: the hit's verdict, the
// block of a true match on a blocking list, the suppression it asked for.
func (s *Service) takeEffect(ctx context.Context, tx *store.Tx, a store.Alert, hit store.Hit, d store.Disposition) error {
	if err := tx.SetHitVerdict(ctx, hit, d.Verdict); err != nil {
		return err
	}
	if d.Verdict == TrueMatch && hit.Blocking && a.SubjectKind == "counterparty" {
		if err := tx.BlockCounterparty(ctx, store.Block{CounterpartyID: a.SubjectID, AlertID: a.ID, EntityID: hit.EntityID}); err != nil {
			return err
		}
	}
	if d.SuppressUntil.IsZero() {
		return nil
	}
	sc, err := s.store.Screening(ctx, hit.ScreeningID)
	if err != nil {
		return err
	}
	cv, err := tx.CounterpartyVersion(ctx, a.SubjectID, sc.SubjectVersion)
	if err != nil {
		return err
	}
	keys := map[string]string{}
	for i, id := range hit.Referents {
		keys[id] = hit.ReferentHashes[i]
	}
	return tx.AddSuppression(ctx, &store.Suppression{
		CounterpartyID: a.SubjectID, EntityID: hit.EntityID, Keys: keys, EntryHash: hit.EntryHash,
		CounterpartyVersion: cv.Version, CounterpartyHash: cv.ContentHash, HitID: hit.ID,
		ReasonCode: d.ReasonCode, Comment: d.Comment, CreatedBy: d.DecidedBy, ExpiresAt: d.SuppressUntil,
	})
}

// settle sets the status that follows from the alert's decisions: waiting
// for approval while any is pending, else in review (an escalated alert
// stays escalated).
func (s *Service) settle(ctx context.Context, tx *store.Tx, a *store.Alert) error {
	cur, err := tx.Alert(ctx, a.ID)
	if err != nil {
		return err
	}
	pending := slices.ContainsFunc(cur.Dispositions, func(d store.Disposition) bool { return d.Status == store.DispositionPending })
	switch {
	case pending:
		a.Status = store.AlertAwaitingApproval
	case a.Status == store.AlertOpen || a.Status == store.AlertAwaitingApproval:
		a.Status = store.AlertInReview
	}
	return nil
}

// Approve approves (or, with approve false, rejects) a pending
// disposition. The approver must be a reviewer (or admin) other than the
// user who decided.
func (s *Service) Approve(ctx context.Context, actor store.Actor, reason string, id int64, version int, dispositionID int64, approve bool, note string) (store.Alert, error) {
	if err := allow(actor, OpApprove); err != nil {
		return store.Alert{}, err
	}
	action := "approve"
	if !approve {
		action = "reject"
	}
	return s.change(ctx, actor, reason, id, version, action, func(tx *store.Tx, before store.Alert, a *store.Alert) error {
		i := slices.IndexFunc(before.Dispositions, func(d store.Disposition) bool { return d.ID == dispositionID })
		if i < 0 {
			return &InputError{"disposition_id", fmt.Sprintf("%d is not a disposition of alert %d", dispositionID, id)}
		}
		d := before.Dispositions[i]
		if d.Status != store.DispositionPending {
			return &InputError{"disposition_id", fmt.Sprintf("disposition %d is %s, not awaiting approval", d.ID, d.Status)}
		}
		if d.DecidedBy == actor.Name {
			return fmt.Errorf("disposition %d was decided by %s: %w", d.ID, actor.Name, ErrOwnDecision)
		}
		if !approve {
			if strings.TrimSpace(note) == "" {
				return &InputError{"note", "a rejection needs a note saying why"}
			}
			_, err := tx.SetDispositionStatus(ctx, d, store.DispositionRejected, note)
			if err != nil {
				return err
			}
			return s.settle(ctx, tx, a)
		}
		d, err := tx.SetDispositionStatus(ctx, d, store.DispositionEffective, note)
		if err != nil {
			return err
		}
		h := slices.IndexFunc(before.Hits, func(h store.Hit) bool { return h.ID == d.HitID })
		if h < 0 {
			return fmt.Errorf("disposition %d: hit %d is not in alert %d", d.ID, d.HitID, id)
		}
		if err := s.takeEffect(ctx, tx, before, before.Hits[h], d); err != nil {
			return err
		}
		return s.settle(ctx, tx, a)
	})
}

// Close closes an alert whose every hit has a final, effective decision
// (true match or false positive). Its outcome follows from them: true
// match if any hit is one. An order alert without list hits needs an
// outcome given: released or stopped.
func (s *Service) Close(ctx context.Context, actor store.Actor, reason string, id int64, version int, outcome string) (store.Alert, error) {
	if err := allow(actor, OpClose); err != nil {
		return store.Alert{}, err
	}
	return s.change(ctx, actor, reason, id, version, "close", func(_ *store.Tx, before store.Alert, a *store.Alert) error {
		if slices.ContainsFunc(before.Dispositions, func(d store.Disposition) bool { return d.Status == store.DispositionPending }) {
			return fmt.Errorf("alert %d: %w: a decision awaits approval", id, ErrNotReady)
		}
		derived := ""
		for _, h := range before.Hits {
			switch h.Verdict {
			case TrueMatch:
				derived = TrueMatch
			case FalsePositive:
				if derived == "" {
					derived = FalsePositive
				}
			default:
				return fmt.Errorf("alert %d: %w: hit %d (%s) is %s", id, ErrNotReady, h.ID, h.EntityID, orUndecided(h.Verdict))
			}
		}
		switch {
		case derived != "" && outcome != "" && outcome != derived:
			return &InputError{"outcome", fmt.Sprintf("%q contradicts the decisions on the hits, which make it %s", outcome, derived)}
		case derived == "" && outcome != "released" && outcome != "stopped":
			return &InputError{"outcome", "an alert without list hits needs outcome released or stopped"}
		case derived != "":
			outcome = derived
		}
		a.Status, a.Outcome = store.AlertClosed, outcome
		return nil
	})
}

func orUndecided(v string) string {
	if v == "" {
		return "undecided"
	}
	return v
}

// Suppressions lists the counterparty's suppressions (all when empty),
// newest first.
func (s *Service) Suppressions(ctx context.Context, actor store.Actor, counterparty string) ([]store.Suppression, error) {
	if err := allow(actor, OpRead); err != nil {
		return nil, err
	}
	return s.store.Suppressions(ctx, counterparty)
}

// RevokeSuppression withdraws an active suppression, so that the hit
// alerts again at the next screening. Withdrawing is the cautious
// direction, so one reviewer (or admin) may do it alone, with a reason.
func (s *Service) RevokeSuppression(ctx context.Context, actor store.Actor, reason string, id int64) (store.Suppression, error) {
	if err := allow(actor, OpApprove); err != nil {
		return store.Suppression{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return store.Suppression{}, &InputError{"reason", "revoking a suppression needs a reason"}
	}
	var out store.Suppression
	err := s.store.Write(ctx, actor, reason, func(tx *store.Tx) error {
		sp, err := tx.Suppression(ctx, id)
		if err != nil {
			return err
		}
		if sp.Status != store.SuppressionActive {
			return &InputError{"id", fmt.Sprintf("suppression %d is %s, not active", id, sp.Status)}
		}
		if err := tx.EndSuppression(ctx, sp, store.SuppressionRevoked, reason); err != nil {
			return err
		}
		out, err = tx.Suppression(ctx, id)
		return err
	})
	return out, err
}
