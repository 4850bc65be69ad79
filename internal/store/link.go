package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Link ties a recorded screening of a document to a registered
// counterparty the document names: by identifier (an account, BIC or
// registration number the counterparty holds), by the name of a party in
// a role, or by a mention of its name in free text.
type Link struct {
	ScreeningID         int64  `json:"screening_id"`
	CounterpartyID      string `json:"counterparty_id"`
	CounterpartyVersion int    `json:"counterparty_version"`
	// Role is the party's role in the document (payer, beneficiary,
	// shipper...) or "mention" for free text.
	Role string `json:"role"`
	// Field is where it was read: the MT tag, XML or JSON path, with the
	// byte offsets for a mention.
	Field string `json:"field"`
	// Written is the name or number as the document gives it.
	Written     string  `json:"written"`
	Via         string  `json:"via"`
	Score       float64 `json:"score"`
	Explanation string  `json:"explanation"`
}

// Ways a document is linked to a counterparty.
const (
	LinkIdentifier = "identifier"
	LinkName       = "name"
	LinkText       = "text"
)

// LinkScreening records the links of screening id, audited as one
// screening.link event.
func (t *Tx) LinkScreening(ctx context.Context, id int64, links []Link) error {
	if len(links) == 0 {
		return nil
	}
	for i := range links {
		l := &links[i]
		l.ScreeningID = id
		if l.CounterpartyID == "" || l.Role == "" {
			return errors.New("link screening: counterparty and role are required")
		}
		switch l.Via {
		case LinkIdentifier, LinkName, LinkText:
		default:
			return fmt.Errorf("link screening %d: via %q", id, l.Via)
		}
		if _, err := t.exec(ctx, `INSERT INTO screening_links (screening_id, counterparty_id, counterparty_version,
			role, field, written, via, score, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, l.CounterpartyID, l.CounterpartyVersion, l.Role, l.Field, l.Written, l.Via, l.Score, l.Explanation); err != nil {
			return fmt.Errorf("link screening %d to counterparty %s: %w", id, l.CounterpartyID, err)
		}
	}
	return t.record(Change{Action: "screening.link", ObjectType: "screening", ObjectID: fmt.Sprint(id), After: links})
}

// Links returns the counterparties a screening is linked to.
func (s *Store) Links(ctx context.Context, screeningID int64) ([]Link, error) {
	ls, err := queryLinks(ctx, s.read, `WHERE screening_id = $1`, screeningID)
	if err != nil {
		return nil, fmt.Errorf("links of screening %d: %w", screeningID, err)
	}
	return ls, nil
}

// queryLinks returns the links the condition selects, one per
// counterparty, role and field (the newest screening's).
func queryLinks(ctx context.Context, q querier, where string, args ...any) ([]Link, error) {
	rows, err := q.QueryContext(ctx, `SELECT screening_id, counterparty_id, counterparty_version, role, field,
		written, via, score, explanation FROM screening_links `+where+`
		ORDER BY counterparty_id, role, field, screening_id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.ScreeningID, &l.CounterpartyID, &l.CounterpartyVersion, &l.Role, &l.Field,
			&l.Written, &l.Via, &l.Score, &l.Explanation); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].CounterpartyID == l.CounterpartyID && out[n-1].Role == l.Role && out[n-1].Field == l.Field {
			continue
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CurrentCounterparties returns the newest version of every
// counterparty, in external id order.
func (s *Store) CurrentCounterparties(ctx context.Context) ([]CounterpartyVersion, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.external_id, v.version, v.content_hash, v.data, v.created_at, v.created_by
		FROM counterparties c JOIN counterparty_versions v ON v.counterparty_id = c.id AND v.version = c.current_version
		ORDER BY c.external_id`)
	if err != nil {
		return nil, fmt.Errorf("counterparties: %w", err)
	}
	defer rows.Close()
	var out []CounterpartyVersion
	for rows.Next() {
		var ext string
		var v CounterpartyVersion
		var data []byte
		var at dbTime
		if err := rows.Scan(&ext, &v.Version, &v.ContentHash, &data, &at, &v.CreatedBy); err != nil {
			return nil, fmt.Errorf("counterparties: %w", err)
		}
		if err := json.Unmarshal(data, &v.Counterparty); err != nil {
			return nil, fmt.Errorf("counterparty %s version %d: %w", ext, v.Version, err)
		}
		v.CreatedAt = at.Time
		out = append(out, v)
	}
	return out, rows.Err()
}

// CounterpartiesStamp changes whenever a counterparty is created or
// changed, so that an index built over the counterparties can tell it is
// stale without reading them all.
func (s *Store) CounterpartiesStamp(ctx context.Context) (string, error) {
	var n, maxID int64
	var sum int64
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(current_version), 0)
		FROM counterparties`).Scan(&n, &maxID, &sum)
	if err != nil {
		return "", fmt.Errorf("counterparties stamp: %w", err)
	}
	return fmt.Sprintf("%d:%d:%d", n, maxID, sum), nil
}
