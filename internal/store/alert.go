package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrVersionConflict is a change to an alert made on a version someone
// else has changed since: the caller read it, another change landed, and
// applying this one would lose that one. The API answers 409.
var ErrVersionConflict = errors.New("the alert was changed by someone else since it was read")

// Alert statuses.
const (
	AlertOpen             = "open"
	AlertInReview         = "in_review"
	AlertEscalated        = "escalated"
	AlertAwaitingApproval = "awaiting_approval"
	AlertClosed           = "closed"
)

// AlertStatuses lists every status.
var AlertStatuses = []string{AlertOpen, AlertInReview, AlertEscalated, AlertAwaitingApproval, AlertClosed}

// Alert groups the hits of one counterparty or order that someone must
// decide. At most one alert per subject is not closed; new hits join it.
type Alert struct {
	ID          int64  `json:"id"`
	SubjectKind string `json:"subject_kind"`
	SubjectID   string `json:"subject_id"`
	Status      string `json:"status"`
	// Priority is 1 (critical) to 4 (low).
	Priority  int       `json:"priority"`
	Assignee  string    `json:"assignee,omitempty"`
	DueAt     time.Time `json:"due_at"`
	Outcome   string    `json:"outcome,omitempty"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	// Hits and Dispositions are filled by Alert and Tx.Alert, not by
	// listings.
	Hits         []Hit         `json:"hits,omitempty"`
	Dispositions []Disposition `json:"dispositions,omitempty"`
	// Links are the registered counterparties the alert's documents name.
	Links []Link `json:"links,omitempty"`
}

// Disposition statuses.
const (
	DispositionPending    = "pending_approval"
	DispositionEffective  = "effective"
	DispositionRejected   = "rejected"
	DispositionSuperseded = "superseded"
)

// Disposition is one decision on one hit, and its approval when four
// eyes must see it.
type Disposition struct {
	ID         int64  `json:"id"`
	AlertID    int64  `json:"alert_id"`
	HitID      int64  `json:"hit_id"`
	Verdict    string `json:"verdict"`
	ReasonCode string `json:"reason_code"`
	Comment    string `json:"comment,omitempty"`
	// SuppressUntil, when set, asks for a suppression that lasts until
	// then once approved.
	SuppressUntil time.Time `json:"suppress_until,omitzero"`
	Status        string    `json:"status"`
	DecidedBy     string    `json:"decided_by"`
	DecidedAt     time.Time `json:"decided_at"`
	ApprovedBy    string    `json:"approved_by,omitempty"`
	ApprovedAt    time.Time `json:"approved_at,omitzero"`
	ApprovalNote  string    `json:"approval_note,omitempty"`
}

const alertColumns = `SELECT id, subject_kind, subject_id, status, priority, assignee, due_at, outcome, version,
	created_at, updated_at, closed_at FROM alerts `

func scanAlert(row scanner) (Alert, error) {
	var a Alert
	var due, created, updated, closed dbTime
	err := row.Scan(&a.ID, &a.SubjectKind, &a.SubjectID, &a.Status, &a.Priority, &a.Assignee, &due, &a.Outcome,
		&a.Version, &created, &updated, &closed)
	a.DueAt, a.CreatedAt, a.UpdatedAt, a.ClosedAt = due.Time, created.Time, updated.Time, closed.Time
	return a, err
}

// CreateAlert opens a new alert; it sets ID, Version and the times.
func (t *Tx) CreateAlert(ctx context.Context, a *Alert) error {
	a.Version, a.CreatedAt, a.UpdatedAt = 1, t.now, t.now
	if a.Status == "" {
		a.Status = AlertOpen
	}
	err := t.queryRow(ctx, `INSERT INTO alerts (subject_kind, subject_id, status, priority, assignee, due_at, outcome,
		version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
		a.SubjectKind, a.SubjectID, a.Status, a.Priority, a.Assignee, t.s.ts(a.DueAt), a.Outcome, t.s.ts(t.now)).Scan(&a.ID)
	if isUnique(err) {
		return fmt.Errorf("alert for %s %s: opened concurrently: %w", a.SubjectKind, a.SubjectID, errConflict)
	}
	if err != nil {
		return fmt.Errorf("alert for %s %s: %w", a.SubjectKind, a.SubjectID, err)
	}
	return t.record(Change{Action: "alert.open", ObjectType: "alert", ObjectID: fmt.Sprint(a.ID), After: a})
}

// OpenAlert returns the subject's alert that is not closed, locked for
// this transaction, and false if there is none.
func (t *Tx) OpenAlert(ctx context.Context, kind, id string) (Alert, bool, error) {
	a, err := scanAlert(t.queryRow(ctx, alertColumns+`WHERE subject_kind = $1 AND subject_id = $2 AND status <> 'closed'`+t.s.forUpdate(), kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Alert{}, false, nil
	}
	if err != nil {
		return Alert{}, false, fmt.Errorf("open alert of %s %s: %w", kind, id, err)
	}
	return a, true, nil
}

// Alert returns an alert with its hits and dispositions, locked for this
// transaction.
func (t *Tx) Alert(ctx context.Context, id int64) (Alert, error) {
	a, err := scanAlert(t.queryRow(ctx, alertColumns+`WHERE id = $1`+t.s.forUpdate(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("alert %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("alert %d: %w", id, err)
	}
	return a, fillAlert(ctx, t.tx, &a)
}

// Alert returns an alert with its hits and dispositions.
func (s *Store) Alert(ctx context.Context, id int64) (Alert, error) {
	a, err := scanAlert(s.read.QueryRowContext(ctx, alertColumns+`WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("alert %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("alert %d: %w", id, err)
	}
	return a, fillAlert(ctx, s.read, &a)
}

func fillAlert(ctx context.Context, q querier, a *Alert) error {
	var err error
	if a.Hits, err = queryHits(ctx, q, `WHERE h.alert_id = $1 AND h.state = 'alerted' ORDER BY h.priority, h.score DESC, h.id`, a.ID); err != nil {
		return fmt.Errorf("alert %d: %w", a.ID, err)
	}
	if a.Links, err = queryLinks(ctx, q, `WHERE screening_id IN (SELECT id FROM screenings WHERE alert_id = $1)`, a.ID); err != nil {
		return fmt.Errorf("alert %d: links: %w", a.ID, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, alert_id, hit_id, verdict, reason_code, comment, suppress_until, status,
		decided_by, decided_at, approved_by, approved_at, approval_note FROM dispositions WHERE alert_id = $1 ORDER BY id`, a.ID)
	if err != nil {
		return fmt.Errorf("alert %d: dispositions: %w", a.ID, err)
	}
	defer rows.Close()
	a.Dispositions = nil
	for rows.Next() {
		var d Disposition
		var until, decided, approved dbTime
		if err := rows.Scan(&d.ID, &d.AlertID, &d.HitID, &d.Verdict, &d.ReasonCode, &d.Comment, &until, &d.Status,
			&d.DecidedBy, &decided, &d.ApprovedBy, &approved, &d.ApprovalNote); err != nil {
			return fmt.Errorf("alert %d: dispositions: %w", a.ID, err)
		}
		d.SuppressUntil, d.DecidedAt, d.ApprovedAt = until.Time, decided.Time, approved.Time
		a.Dispositions = append(a.Dispositions, d)
	}
	return rows.Err()
}

// SaveAlert writes after over before, provided nobody changed the alert
// since before was read (else ErrVersionConflict), and records action
// ("alert.<action>") with both states. It bumps after.Version.
func (t *Tx) SaveAlert(ctx context.Context, before Alert, after *Alert, action string) error {
	after.UpdatedAt = t.now
	if after.Status == AlertClosed && after.ClosedAt.IsZero() {
		after.ClosedAt = t.now
	}
	res, err := t.exec(ctx, `UPDATE alerts SET status = $1, priority = $2, assignee = $3, due_at = $4, outcome = $5,
		version = version + 1, updated_at = $6, closed_at = $7 WHERE id = $8 AND version = $9`,
		after.Status, after.Priority, after.Assignee, t.s.ts(after.DueAt), after.Outcome, t.s.ts(t.now),
		t.s.tsOrNil(after.ClosedAt), before.ID, before.Version)
	if err != nil {
		return fmt.Errorf("alert %d: %w", before.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("alert %d: %w", before.ID, err)
	} else if n == 0 {
		return fmt.Errorf("alert %d version %d: %w", before.ID, before.Version, ErrVersionConflict)
	}
	after.Version = before.Version + 1
	b, a := before, *after
	b.Hits, b.Dispositions, a.Hits, a.Dispositions = nil, nil, nil, nil
	return t.record(Change{Action: "alert." + action, ObjectType: "alert", ObjectID: fmt.Sprint(before.ID), Before: b, After: a})
}

// AlertFilter selects alerts; zero fields do not filter.
type AlertFilter struct {
	Status      string
	Assignee    string
	Priority    int
	SubjectKind string
	SubjectID   string
	// Open selects the alerts that are not closed, when Status is empty.
	Open bool
	// Limit caps the result (default 50, at most 1000).
	Limit int
}

// Alerts returns the alerts that pass f, most urgent first: priority,
// then due date, then id. Every filter is served by an index ending in
// that order, so a page costs the same with a hundred alerts or a million.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	var where []string
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Status != "" {
		arg("status = $%d", f.Status)
	} else if f.Open {
		where = append(where, "status <> 'closed'")
	}
	if f.Assignee != "" {
		arg("assignee = $%d", f.Assignee)
	}
	if f.Priority != 0 {
		arg("priority = $%d", f.Priority)
	}
	if f.SubjectID != "" {
		kind := f.SubjectKind
		if kind == "" {
			kind = "counterparty"
		}
		arg("subject_kind = $%d", kind)
		arg("subject_id = $%d", f.SubjectID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	q := alertColumns
	if len(where) > 0 {
		q += "WHERE " + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(" ORDER BY priority, due_at, id LIMIT %d", limit)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddDisposition stores d (pending approval or effective) and records it.
func (t *Tx) AddDisposition(ctx context.Context, d *Disposition) error {
	d.DecidedBy, d.DecidedAt = t.actor.Name, t.now
	err := t.queryRow(ctx, `INSERT INTO dispositions (alert_id, hit_id, verdict, reason_code, comment, suppress_until,
		status, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		d.AlertID, d.HitID, d.Verdict, d.ReasonCode, d.Comment, t.s.tsOrNil(d.SuppressUntil), d.Status,
		d.DecidedBy, t.s.ts(t.now)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("disposition of hit %d: %w", d.HitID, err)
	}
	return t.record(Change{Action: "disposition.add", ObjectType: "disposition", ObjectID: fmt.Sprint(d.ID), After: d})
}

// SetDispositionStatus moves a disposition on: approved (effective, with
// the approver), rejected, or superseded by a newer one.
func (t *Tx) SetDispositionStatus(ctx context.Context, before Disposition, status, note string) (Disposition, error) {
	after := before
	after.Status, after.ApprovalNote = status, note
	if status == DispositionEffective || status == DispositionRejected {
		after.ApprovedBy, after.ApprovedAt = t.actor.Name, t.now
	}
	if _, err := t.exec(ctx, `UPDATE dispositions SET status = $1, approved_by = $2, approved_at = $3, approval_note = $4
		WHERE id = $5`, after.Status, after.ApprovedBy, t.s.tsOrNil(after.ApprovedAt), after.ApprovalNote, before.ID); err != nil {
		return after, fmt.Errorf("disposition %d: %w", before.ID, err)
	}
	return after, t.record(Change{Action: "disposition." + status, ObjectType: "disposition",
		ObjectID: fmt.Sprint(before.ID), Before: before, After: after})
}

// SetHitVerdict makes verdict the hit's effective disposition.
func (t *Tx) SetHitVerdict(ctx context.Context, h Hit, verdict string) error {
	if _, err := t.exec(ctx, `UPDATE hits SET verdict = $1 WHERE id = $2`, verdict, h.ID); err != nil {
		return fmt.Errorf("hit %d: %w", h.ID, err)
	}
	return t.record(Change{Action: "hit.verdict", ObjectType: "hit", ObjectID: fmt.Sprint(h.ID),
		Before: map[string]string{"verdict": h.Verdict}, After: map[string]string{"verdict": verdict}})
}

// Block is a counterparty blocked by a true match on a blocking list.
type Block struct {
	CounterpartyID string    `json:"counterparty_id"`
	AlertID        int64     `json:"alert_id"`
	EntityID       string    `json:"entity_id"`
	BlockedAt      time.Time `json:"blocked_at"`
	BlockedBy      string    `json:"blocked_by"`
}

// BlockCounterparty marks the counterparty blocked; a second block of a
// blocked counterparty keeps the first.
func (t *Tx) BlockCounterparty(ctx context.Context, b Block) error {
	b.BlockedAt, b.BlockedBy = t.now, t.actor.Name
	res, err := t.exec(ctx, `INSERT INTO counterparty_blocks (counterparty_id, alert_id, entity_id, blocked_at, blocked_by)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (counterparty_id) DO NOTHING`,
		b.CounterpartyID, b.AlertID, b.EntityID, t.s.ts(t.now), b.BlockedBy)
	if err != nil {
		return fmt.Errorf("block counterparty %s: %w", b.CounterpartyID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return t.record(Change{Action: "counterparty.block", ObjectType: "counterparty", ObjectID: b.CounterpartyID, After: b})
}

// CounterpartyBlock returns the counterparty's block, and false if it is
// not blocked.
func (s *Store) CounterpartyBlock(ctx context.Context, id string) (Block, bool, error) {
	return counterpartyBlock(ctx, s.read, id, "")
}

// CounterpartyBlock is Store.CounterpartyBlock inside the transaction,
// the row locked on PostgreSQL, for a change that depends on the block.
func (t *Tx) CounterpartyBlock(ctx context.Context, id string) (Block, bool, error) {
	return counterpartyBlock(ctx, t.tx, id, t.s.forUpdate())
}

func counterpartyBlock(ctx context.Context, q querier, id, lock string) (Block, bool, error) {
	b := Block{CounterpartyID: id}
	rows, err := q.QueryContext(ctx, `SELECT alert_id, entity_id, blocked_at, blocked_by FROM counterparty_blocks
		WHERE counterparty_id = $1`+lock, id)
	if err != nil {
		return b, false, fmt.Errorf("block of %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return b, false, rows.Err()
	}
	var at dbTime
	if err := rows.Scan(&b.AlertID, &b.EntityID, &at, &b.BlockedBy); err != nil {
		return b, false, fmt.Errorf("block of %s: %w", id, err)
	}
	b.BlockedAt = at.Time
	return b, true, rows.Err()
}

// CounterpartyVersion returns one version of a counterparty.
func (t *Tx) CounterpartyVersion(ctx context.Context, externalID string, version int) (CounterpartyVersion, error) {
	rows, err := t.tx.QueryContext(ctx, versionQuery+` WHERE c.external_id = $1 AND v.version = $2`, externalID, version)
	if err != nil {
		return CounterpartyVersion{}, fmt.Errorf("counterparty %s: %w", externalID, err)
	}
	vs, err := scanVersions(rows, externalID)
	if err != nil {
		return CounterpartyVersion{}, err
	}
	if len(vs) == 0 {
		return CounterpartyVersion{}, fmt.Errorf("counterparty %s version %d: %w", externalID, version, ErrNotFound)
	}
	return vs[0], nil
}

// CounterpartyIDs returns the external ids of every counterparty, in
// order, for a full re-screen.
func (s *Store) CounterpartyIDs(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, s.read, `SELECT external_id FROM counterparties ORDER BY external_id`)
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AlertHits returns the hits an alert holds for decision.
func (t *Tx) AlertHits(ctx context.Context, alertID int64) ([]Hit, error) {
	return queryHits(ctx, t.tx, `WHERE h.alert_id = $1 AND h.state = 'alerted' ORDER BY h.id`, alertID)
}
