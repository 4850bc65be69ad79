package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Screening is one recorded screening: what was screened (a counterparty
// version, an order or an API query), against which list versions, by
// which engine and rules, at which threshold, and every hit it returned.
type Screening struct {
	ID int64 `json:"id"`
	// SubjectKind is counterparty, order or query; SubjectID its id
	// (external id, order id, or the caller's query id).
	SubjectKind string `json:"subject_kind"`
	SubjectID   string `json:"subject_id"`
	// SubjectVersion is the counterparty version screened.
	SubjectVersion int `json:"subject_version,omitempty"`
	// Cause is why it ran: create, change, on_demand, order, api.
	Cause         string            `json:"cause"`
	Input         json.RawMessage   `json:"input"`
	ListVersions  map[string]string `json:"list_versions"`
	EngineVersion string            `json:"engine_version"`
	RulesVersion  string            `json:"rules_version,omitempty"`
	Threshold     float64           `json:"threshold"`
	// Decision is an order check's decision: clear, review or block.
	Decision  string    `json:"decision,omitempty"`
	AlertID   int64     `json:"alert_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	Hits      []Hit     `json:"hits"`
	// Links are the registered counterparties a scanned document names.
	Links []Link `json:"links,omitempty"`
}

// Hit states.
const (
	HitBelowThreshold = "below_threshold" // recorded, alerts nobody
	HitSuppressed     = "suppressed"      // an active suppression covers it
	HitAlerted        = "alerted"         // a hit of its alert, to be decided
	HitInAlert        = "in_alert"        // seen again; its alert holds it already
)

// Hit is one listed entry a screening returned.
type Hit struct {
	ID          int64  `json:"id"`
	ScreeningID int64  `json:"screening_id"`
	AlertID     int64  `json:"alert_id,omitempty"`
	EntityID    string `json:"entity_id"`
	Source      string `json:"source"`
	ListVersion string `json:"list_version"`
	// EntryHash is the content hash of the listed entry as it stood;
	// Entry its canonical content, stored once per hash.
	EntryHash string          `json:"entry_hash"`
	Entry     json.RawMessage `json:"-"`
	// Referents are the ids of the same party's entries on other lists,
	// ReferentHashes their content hashes and ReferentEntries their
	// canonical content.
	Referents       []string          `json:"referents,omitempty"`
	ReferentHashes  []string          `json:"referent_hashes,omitempty"`
	ReferentEntries []json.RawMessage `json:"-"`
	Name            string            `json:"name"`
	MatchedName     string            `json:"matched_name"`
	Score           float64           `json:"score"`
	Explanation     string            `json:"explanation"`
	Detail          json.RawMessage   `json:"detail,omitempty"`
	// Priority is 1 (critical) to 4 (low).
	Priority      int    `json:"priority"`
	Blocking      bool   `json:"blocking"`
	State         string `json:"state"`
	SuppressionID int64  `json:"suppression_id,omitempty"`
	// Reopened says why a suppressed hit came back, field by field.
	Reopened json.RawMessage `json:"reopened,omitempty"`
	// Verdict is the effective disposition: true_match, false_positive,
	// unsure, or empty while undecided.
	Verdict string `json:"verdict,omitempty"`
}

// RecordScreening stores sc with its hits (and each hit's listed entry,
// once per content hash) and records it in the audit trail. It sets the
// ids, CreatedAt and CreatedBy.
func (t *Tx) RecordScreening(ctx context.Context, sc *Screening) error {
	if sc.SubjectKind == "" || sc.SubjectID == "" {
		return errors.New("record screening: subject kind and id are required")
	}
	input := sc.Input
	if len(input) == 0 {
		input = json.RawMessage("null")
	}
	lv, err := json.Marshal(sc.ListVersions)
	if err != nil {
		return err
	}
	sc.CreatedAt, sc.CreatedBy = t.now, t.actor.Name
	err = t.queryRow(ctx, `INSERT INTO screenings (subject_kind, subject_id, subject_version, cause, input, list_versions,
		engine_version, rules_version, threshold, decision, hit_count, alert_id, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		sc.SubjectKind, sc.SubjectID, sc.SubjectVersion, sc.Cause, string(input), string(lv),
		sc.EngineVersion, sc.RulesVersion, sc.Threshold, sc.Decision, len(sc.Hits), nullID(sc.AlertID),
		t.s.ts(t.now), t.actor.Name).Scan(&sc.ID)
	if err != nil {
		return fmt.Errorf("record screening of %s %s: %w", sc.SubjectKind, sc.SubjectID, err)
	}
	for i := range sc.Hits {
		h := &sc.Hits[i]
		h.ScreeningID = sc.ID
		if err := t.insertHit(ctx, h); err != nil {
			return fmt.Errorf("record screening of %s %s: hit %s: %w", sc.SubjectKind, sc.SubjectID, h.EntityID, err)
		}
	}
	summary := *sc
	summary.Input = nil // kept in the screening row; the trail names it
	return t.record(Change{Action: "screening.record", ObjectType: "screening",
		ObjectID: fmt.Sprint(sc.ID), After: summary})
}

func (t *Tx) insertHit(ctx context.Context, h *Hit) error {
	if h.EntryHash == "" || len(h.Entry) == 0 {
		return errors.New("hit without its listed entry and content hash")
	}
	if len(h.ReferentHashes) != len(h.Referents) || len(h.ReferentEntries) != len(h.Referents) {
		return errors.New("hit without the hash and content of each referent")
	}
	if err := t.putListEntry(ctx, h.EntryHash, h.EntityID, h.Entry); err != nil {
		return err
	}
	for i, id := range h.Referents {
		if err := t.putListEntry(ctx, h.ReferentHashes[i], id, h.ReferentEntries[i]); err != nil {
			return err
		}
	}
	refs, err := json.Marshal(h.Referents)
	if err != nil {
		return err
	}
	refHashes, err := json.Marshal(h.ReferentHashes)
	if err != nil {
		return err
	}
	detail := h.Detail
	if len(detail) == 0 {
		detail = json.RawMessage("{}")
	}
	return t.queryRow(ctx, `INSERT INTO hits (screening_id, alert_id, entity_id, source, list_version, entry_hash,
		referents, referent_hashes, name, matched_name, score, explanation, detail, priority, blocking, state, suppression_id, reopened, verdict)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		h.ScreeningID, nullID(h.AlertID), h.EntityID, h.Source, h.ListVersion, h.EntryHash, string(refs), string(refHashes),
		h.Name, h.MatchedName, h.Score, h.Explanation, string(detail), h.Priority, t.s.boolean(h.Blocking),
		h.State, nullID(h.SuppressionID), nullJSON(h.Reopened), h.Verdict).Scan(&h.ID)
}

// putListEntry keeps a listed entry's content once per hash.
func (t *Tx) putListEntry(ctx context.Context, hash, id string, content json.RawMessage) error {
	if hash == "" || len(content) == 0 {
		return fmt.Errorf("listed entry %s without its content and hash", id)
	}
	_, err := t.exec(ctx, `INSERT INTO list_entries (hash, entity_id, content) VALUES ($1, $2, $3)
		ON CONFLICT (hash) DO NOTHING`, hash, id, string(content))
	return err
}

// ListEntry returns the canonical content of the listed entry with the
// content hash, as it was stored when a screening hit it.
func (t *Tx) ListEntry(ctx context.Context, hash string) (json.RawMessage, error) {
	var content string
	err := t.queryRow(ctx, `SELECT content FROM list_entries WHERE hash = $1`, hash).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("list entry %s: %w", hash, ErrNotFound)
	}
	return json.RawMessage(content), err
}

// Screening returns a recorded screening with its hits.
func (s *Store) Screening(ctx context.Context, id int64) (Screening, error) {
	var sc Screening
	var input, lv string
	var alert sql.NullInt64
	var at dbTime
	err := s.read.QueryRowContext(ctx, `SELECT id, subject_kind, subject_id, subject_version, cause, input, list_versions,
		engine_version, rules_version, threshold, decision, alert_id, created_at, created_by FROM screenings WHERE id = $1`, id).
		Scan(&sc.ID, &sc.SubjectKind, &sc.SubjectID, &sc.SubjectVersion, &sc.Cause, &input, &lv,
			&sc.EngineVersion, &sc.RulesVersion, &sc.Threshold, &sc.Decision, &alert, &at, &sc.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return sc, fmt.Errorf("screening %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return sc, fmt.Errorf("screening %d: %w", id, err)
	}
	sc.Input, sc.AlertID, sc.CreatedAt = json.RawMessage(input), alert.Int64, at.Time
	if err := json.Unmarshal([]byte(lv), &sc.ListVersions); err != nil {
		return sc, fmt.Errorf("screening %d: list versions: %w", id, err)
	}
	if sc.Hits, err = queryHits(ctx, s.read, `WHERE h.screening_id = $1 ORDER BY h.id`, id); err != nil {
		return sc, err
	}
	sc.Links, err = s.Links(ctx, id)
	return sc, err
}

// Screenings returns the screenings of a subject, newest first; a
// counterparty's include the scanned documents linked to it.
func (s *Store) Screenings(ctx context.Context, kind, id string, limit int) ([]Screening, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM screenings WHERE subject_kind = $1 AND subject_id = $2
		UNION SELECT screening_id FROM screening_links WHERE $1 = 'counterparty' AND counterparty_id = $2
		ORDER BY 1 DESC LIMIT $3`, kind, id, limit)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Screening, 0, len(ids))
	for _, n := range ids {
		sc, err := s.Screening(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// querier is what both a pool and a transaction answer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const hitColumns = `SELECT h.id, h.screening_id, h.alert_id, h.entity_id, h.source, h.list_version, h.entry_hash,
	h.referents, h.referent_hashes, h.name, h.matched_name, h.score, h.explanation, h.detail, h.priority, h.blocking, h.state,
	h.suppression_id, h.reopened, h.verdict FROM hits h `

func queryHits(ctx context.Context, q querier, where string, args ...any) ([]Hit, error) {
	rows, err := q.QueryContext(ctx, hitColumns+where, args...)
	if err != nil {
		return nil, fmt.Errorf("hits: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var h Hit
		var alert, sup sql.NullInt64
		var refs, refHashes, detail string
		var reopened sql.NullString
		var blocking dbBool
		if err := rows.Scan(&h.ID, &h.ScreeningID, &alert, &h.EntityID, &h.Source, &h.ListVersion, &h.EntryHash,
			&refs, &refHashes, &h.Name, &h.MatchedName, &h.Score, &h.Explanation, &detail, &h.Priority, &blocking, &h.State,
			&sup, &reopened, &h.Verdict); err != nil {
			return nil, fmt.Errorf("hits: %w", err)
		}
		h.AlertID, h.SuppressionID, h.Blocking = alert.Int64, sup.Int64, bool(blocking)
		h.Detail = json.RawMessage(detail)
		if reopened.Valid {
			h.Reopened = json.RawMessage(reopened.String)
		}
		if err := json.Unmarshal([]byte(refs), &h.Referents); err != nil {
			return nil, fmt.Errorf("hit %d: referents: %w", h.ID, err)
		}
		if err := json.Unmarshal([]byte(refHashes), &h.ReferentHashes); err != nil {
			return nil, fmt.Errorf("hit %d: referent hashes: %w", h.ID, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// dbBool scans a boolean from either backend: SQLite keeps 0 and 1.
type dbBool bool

func (b *dbBool) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*b = dbBool(x)
	case int64:
		*b = x != 0
	case nil:
		*b = false
	default:
		return fmt.Errorf("scan boolean: unexpected %T", v)
	}
	return nil
}

// UnscreenedCounterparties returns the external ids of the counterparties
// whose newest version has no recorded screening yet (created or changed
// since they were last screened), in order.
func (s *Store) UnscreenedCounterparties(ctx context.Context) ([]string, error) {
	ids, err := queryStrings(ctx, s.read, `SELECT c.external_id FROM counterparties c
		WHERE NOT EXISTS (SELECT 1 FROM screenings s WHERE s.subject_kind = 'counterparty'
			AND s.subject_id = c.external_id AND s.subject_version = c.current_version)
		ORDER BY c.external_id`)
	if err != nil {
		return nil, fmt.Errorf("unscreened counterparties: %w", err)
	}
	return ids, nil
}
