package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
)

// Counterparty is a party the business deals with (customer, supplier,
// consignee, bank, forwarder) as the business knows it: the input of
// screening, not a listed entity.
type Counterparty struct {
	// ExternalID is the business's own id (customer number, vendor id).
	ExternalID string `json:"external_id"`
	// Type is person, organisation, vessel, aircraft or unknown.
	Type string `json:"type"`
	// Name is the primary name; Aliases are other names (former names,
	// trade names, names in other scripts).
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code (a name or alpha-3 code is
	// converted on input).
	Country string `json:"country,omitempty"`
	// DOB is a date of birth as YYYY, YYYY-MM or YYYY-MM-DD.
	DOB         string       `json:"dob,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Address     Address      `json:"address,omitzero"`
	// Attributes are the business's own fields, kept and versioned as given.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Identifier is an official number: passport, national id, tax or
// company registration number, IMO, LEI, BIC.
type Identifier struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Country string `json:"country,omitempty"`
}

// Address is a postal address.
type Address struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Region     string `json:"region,omitempty"`
	Country    string `json:"country,omitempty"`
}

// PartyTypes are the accepted counterparty types.
var PartyTypes = []string{"person", "organisation", "vessel", "aircraft", "unknown"}

// typeAliases maps common spellings to a type.
var typeAliases = map[string]string{
	"": "unknown", "individual": "person", "organization": "organisation",
	"company": "organisation", "entity": "organisation", "ship": "vessel",
}

// Limits on one counterparty, so that one bad row cannot bloat the record.
const (
	maxField      = 1000
	maxAliases    = 100
	maxIDs        = 100
	maxAttributes = 200
)

// Normalize checks c and returns it in the canonical form it is stored
// and hashed in: spaces trimmed and collapsed, type and countries
// normalised, aliases and identifiers deduplicated and sorted (their order
// carries no meaning, so reordering them is not a change). The error
// names every bad field.
func (c Counterparty) Normalize() (Counterparty, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	text := func(field, s string) string {
		s = strings.Join(strings.Fields(s), " ")
		switch {
		case !utf8.ValidString(s):
			bad(field, "not valid UTF-8")
		case len(s) > maxField:
			bad(field, "longer than %d bytes", maxField)
		case strings.IndexFunc(s, unicode.IsControl) >= 0:
			bad(field, "contains a control character")
		}
		return s
	}
	countryCode := func(field, s string) string {
		s = text(field, s)
		if s == "" {
			return ""
		}
		code := country.Code(s)
		if code == "" {
			bad(field, "%q is not a country name or ISO code", s)
		}
		return code
	}
	out := Counterparty{
		ExternalID: text("external_id", c.ExternalID),
		Name:       text("name", c.Name),
		Country:    countryCode("country", c.Country),
		DOB:        text("dob", c.DOB),
	}
	if out.ExternalID == "" {
		bad("external_id", "is empty")
	} else if len(out.ExternalID) > 200 {
		bad("external_id", "longer than 200 bytes")
	}
	if out.Name == "" {
		bad("name", "is empty")
	}
	typ := strings.ToLower(strings.TrimSpace(c.Type))
	if a, ok := typeAliases[typ]; ok {
		typ = a
	}
	if !slices.Contains(PartyTypes, typ) {
		bad("type", "%q: want person, organisation, vessel, aircraft or unknown", c.Type)
	}
	out.Type = typ
	if out.DOB != "" && !validDate(out.DOB) {
		bad("dob", "%q: want YYYY, YYYY-MM or YYYY-MM-DD", out.DOB)
	}
	if len(c.Aliases) > maxAliases {
		bad("aliases", "more than %d", maxAliases)
	}
	for i, a := range c.Aliases {
		a = text(fmt.Sprintf("aliases[%d]", i), a)
		if a != "" && a != out.Name && !slices.Contains(out.Aliases, a) {
			out.Aliases = append(out.Aliases, a)
		}
	}
	slices.Sort(out.Aliases)
	if len(c.Identifiers) > maxIDs {
		bad("identifiers", "more than %d", maxIDs)
	}
	for i, id := range c.Identifiers {
		field := fmt.Sprintf("identifiers[%d]", i)
		n := Identifier{Type: text(field+".type", id.Type), Value: text(field+".value", id.Value),
			Country: countryCode(field+".country", id.Country)}
		if n.Value == "" {
			bad(field+".value", "is empty")
			continue
		}
		if !slices.Contains(out.Identifiers, n) {
			out.Identifiers = append(out.Identifiers, n)
		}
	}
	slices.SortFunc(out.Identifiers, func(a, b Identifier) int {
		return strings.Compare(a.Type+"\x00"+a.Value+"\x00"+a.Country, b.Type+"\x00"+b.Value+"\x00"+b.Country)
	})
	out.Address = Address{
		Street: text("address.street", c.Address.Street), City: text("address.city", c.Address.City),
		PostalCode: text("address.postal_code", c.Address.PostalCode), Region: text("address.region", c.Address.Region),
		Country: countryCode("address.country", c.Address.Country),
	}
	if len(c.Attributes) > maxAttributes {
		bad("attributes", "more than %d", maxAttributes)
	}
	for k, v := range c.Attributes {
		k = text("attributes", k)
		if k == "" {
			bad("attributes", "a key is empty")
			continue
		}
		v = text("attributes."+k, v)
		if v == "" {
			continue
		}
		if out.Attributes == nil {
			out.Attributes = make(map[string]string)
		}
		out.Attributes[k] = v
	}
	return out, errors.Join(errs...)
}

func validDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}

// FieldError is bad input in one field.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// contentHash is SHA-256 over the canonical JSON (map keys sorted by
// encoding/json), so that an unchanged record has an unchanged hash.
func (c Counterparty) contentHash() (string, []byte, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), data, nil
}

// CounterpartyVersion is one stored version of a counterparty.
type CounterpartyVersion struct {
	Counterparty
	Version     int       `json:"version"`
	ContentHash string    `json:"content_hash"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// PutResult says what a put did.
type PutResult struct {
	Version int `json:"version"`
	// Created is set for a new counterparty, Changed for any new version;
	// a put of the same content creates nothing and sets neither.
	Created bool `json:"created"`
	Changed bool `json:"changed"`
}

// auditedVersion is what the trail records of a version: its number and
// hash followed by the stored JSON of the counterparty, spliced rather than
// marshalled again, which a million-row import notices.
func auditedVersion(version int, hash string, data []byte) json.RawMessage {
	b := make([]byte, 0, len(data)+100)
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, `,"content_hash":"`...)
	b = append(b, hash...)
	b = append(b, `",`...)
	return append(b, data[1:]...)
}

// PutCounterparty stores c as the counterparty's newest version. Nothing
// is overwritten: a change adds version n+1, and a put whose normalised
// content equals the newest version adds nothing and records nothing.
func (t *Tx) PutCounterparty(ctx context.Context, c Counterparty) (PutResult, error) {
	c, err := c.Normalize()
	if err != nil {
		return PutResult{}, err
	}
	hash, data, err := c.contentHash()
	if err != nil {
		return PutResult{}, fmt.Errorf("counterparty %s: %w", c.ExternalID, err)
	}
	var id int64
	var version int
	var current string
	// On PostgreSQL the row is locked, so that two writers changing one
	// counterparty queue instead of both writing version n+1.
	err = t.queryRow(ctx, `SELECT id, current_version, current_hash FROM counterparties WHERE external_id = $1`+t.s.forUpdate(),
		c.ExternalID).Scan(&id, &version, &current)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = t.queryRow(ctx, `INSERT INTO counterparties (external_id, current_version, current_hash, created_at, updated_at)
			VALUES ($1, 1, $2, $3, $3) RETURNING id`, c.ExternalID, hash, t.s.ts(t.now)).Scan(&id)
		if isUnique(err) {
			// Another transaction created it since we looked: run again,
			// and this put becomes an update of that one.
			return PutResult{}, fmt.Errorf("counterparty %s: created concurrently: %w", c.ExternalID, errConflict)
		}
		if err != nil {
			return PutResult{}, fmt.Errorf("counterparty %s: insert: %w", c.ExternalID, err)
		}
		if err := t.insertVersion(ctx, id, 1, hash, c, data); err != nil {
			return PutResult{}, err
		}
		return PutResult{Version: 1, Created: true, Changed: true}, t.record(Change{
			Action: "counterparty.create", ObjectType: "counterparty", ObjectID: c.ExternalID,
			After: auditedVersion(1, hash, data)})
	case err != nil:
		return PutResult{}, fmt.Errorf("counterparty %s: read: %w", c.ExternalID, err)
	case current == hash:
		return PutResult{Version: version}, nil
	}
	var prevData []byte
	if err := t.queryRow(ctx, `SELECT data FROM counterparty_versions WHERE counterparty_id = $1 AND version = $2`,
		id, version).Scan(&prevData); err != nil {
		return PutResult{}, fmt.Errorf("counterparty %s: read version %d: %w", c.ExternalID, version, err)
	}
	next := version + 1
	if _, err := t.exec(ctx, `UPDATE counterparties SET current_version = $1, current_hash = $2, updated_at = $3 WHERE id = $4`,
		next, hash, t.s.ts(t.now), id); err != nil {
		return PutResult{}, fmt.Errorf("counterparty %s: update: %w", c.ExternalID, err)
	}
	if err := t.insertVersion(ctx, id, next, hash, c, data); err != nil {
		return PutResult{}, err
	}
	return PutResult{Version: next, Changed: true}, t.record(Change{
		Action: "counterparty.update", ObjectType: "counterparty", ObjectID: c.ExternalID,
		Before: auditedVersion(version, current, prevData), After: auditedVersion(next, hash, data)})
}

func (t *Tx) insertVersion(ctx context.Context, id int64, version int, hash string, c Counterparty, data []byte) error {
	_, err := t.exec(ctx, `INSERT INTO counterparty_versions
		(counterparty_id, version, content_hash, type, name, country, dob, data, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id, version, hash, c.Type, c.Name, c.Country, c.DOB, string(data), t.s.ts(t.now), t.actor.Name)
	if err != nil {
		return fmt.Errorf("counterparty %s: insert version %d: %w", c.ExternalID, version, err)
	}
	return nil
}

const versionQuery = `SELECT v.version, v.content_hash, v.data, v.created_at, v.created_by
	FROM counterparties c JOIN counterparty_versions v ON v.counterparty_id = c.id`

// Counterparty returns the newest version of the counterparty with the
// external id.
func (s *Store) Counterparty(ctx context.Context, externalID string) (CounterpartyVersion, error) {
	rows, err := s.read.QueryContext(ctx, versionQuery+` WHERE c.external_id = $1 AND v.version = c.current_version`, externalID)
	if err != nil {
		return CounterpartyVersion{}, fmt.Errorf("counterparty %s: %w", externalID, err)
	}
	vs, err := scanVersions(rows, externalID)
	if err != nil {
		return CounterpartyVersion{}, err
	}
	if len(vs) == 0 {
		return CounterpartyVersion{}, fmt.Errorf("counterparty %s: %w", externalID, ErrNotFound)
	}
	return vs[0], nil
}

// CounterpartyHistory returns every version of the counterparty, oldest
// first.
func (s *Store) CounterpartyHistory(ctx context.Context, externalID string) ([]CounterpartyVersion, error) {
	rows, err := s.read.QueryContext(ctx, versionQuery+` WHERE c.external_id = $1 ORDER BY v.version`, externalID)
	if err != nil {
		return nil, fmt.Errorf("counterparty %s: %w", externalID, err)
	}
	vs, err := scanVersions(rows, externalID)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("counterparty %s: %w", externalID, ErrNotFound)
	}
	return vs, nil
}

func scanVersions(rows *sql.Rows, externalID string) ([]CounterpartyVersion, error) {
	defer rows.Close()
	var out []CounterpartyVersion
	for rows.Next() {
		var v CounterpartyVersion
		var data []byte
		var at dbTime
		if err := rows.Scan(&v.Version, &v.ContentHash, &data, &at, &v.CreatedBy); err != nil {
			return nil, fmt.Errorf("counterparty %s: %w", externalID, err)
		}
		if err := json.Unmarshal(data, &v.Counterparty); err != nil {
			return nil, fmt.Errorf("counterparty %s version %d: %w", externalID, v.Version, err)
		}
		v.CreatedAt = at.Time
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("counterparty %s: %w", externalID, err)
	}
	return out, nil
}

// CountCounterparties returns how many counterparties there are.
func (s *Store) CountCounterparties(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM counterparties`).Scan(&n)
	return n, err
}

// PutCounterparty stores one counterparty in its own transaction; see
// Tx.PutCounterparty.
func (s *Store) PutCounterparty(ctx context.Context, actor Actor, reason string, c Counterparty) (PutResult, error) {
	var res PutResult
	err := s.Write(ctx, actor, reason, func(t *Tx) error {
		var err error
		res, err = t.PutCounterparty(ctx, c)
		return err
	})
	return res, err
}

// bulkRows is the rows per multi-row statement of PutCounterparties:
// 100 rows of 10 columns stay far below SQLite's variable limit.
const bulkRows = 100

// PutCounterparties stores cs as PutCounterparty would, one after the
// other, with the same versions, results and audit events in the same
// order, but finds existing rows and inserts new ones with a statement per
// hundred rows rather than several per row: a bulk import is mostly new
// counterparties, and on PostgreSQL each statement is a round trip. An
// invalid counterparty fails the whole call, naming its index.
func (t *Tx) PutCounterparties(ctx context.Context, cs []Counterparty) ([]PutResult, error) {
	type item struct {
		c        Counterparty
		hash     string
		data     []byte
		id       int64
		version  int
		current  string
		existing bool
	}
	items := make([]item, len(cs))
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		n, err := c.Normalize()
		if err != nil {
			return nil, fmt.Errorf("counterparty %d (%s): %w", i, c.ExternalID, err)
		}
		if seen[n.ExternalID] {
			// The same id twice: its second put depends on the first,
			// which the one-by-one path handles.
			return t.putEach(ctx, cs)
		}
		seen[n.ExternalID] = true
		hash, data, err := n.contentHash()
		if err != nil {
			return nil, fmt.Errorf("counterparty %s: %w", n.ExternalID, err)
		}
		items[i] = item{c: n, hash: hash, data: data}
	}
	byID := make(map[string]*item, len(items))
	for i := range items {
		byID[items[i].c.ExternalID] = &items[i]
	}
	for start := 0; start < len(items); start += bulkRows {
		chunk := items[start:min(start+bulkRows, len(items))]
		args := make([]any, len(chunk))
		for i, it := range chunk {
			args[i] = it.c.ExternalID
		}
		rows, err := t.tx.QueryContext(ctx, `SELECT id, external_id, current_version, current_hash FROM counterparties
			WHERE external_id IN `+t.s.placeholders(0, len(chunk))+t.s.forUpdate(), args...)
		if err != nil {
			return nil, fmt.Errorf("read counterparties: %w", err)
		}
		for rows.Next() {
			var id int64
			var ext, current string
			var version int
			if err := rows.Scan(&id, &ext, &version, &current); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read counterparties: %w", err)
			}
			if it := byID[ext]; it != nil {
				it.id, it.version, it.current, it.existing = id, version, current, true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read counterparties: %w", err)
		}
	}
	var fresh []*item
	for i := range items {
		if !items[i].existing {
			fresh = append(fresh, &items[i])
		}
	}
	now := t.s.ts(t.now)
	for start := 0; start < len(fresh); start += bulkRows {
		chunk := fresh[start:min(start+bulkRows, len(fresh))]
		q := `INSERT INTO counterparties (external_id, current_version, current_hash, created_at, updated_at) VALUES `
		args := make([]any, 0, 5*len(chunk))
		for i, it := range chunk {
			if i > 0 {
				q += ", "
			}
			q += t.s.placeholders(i*5, 5)
			args = append(args, it.c.ExternalID, 1, it.hash, now, now)
		}
		rows, err := t.tx.QueryContext(ctx, q+` RETURNING id, external_id`, args...)
		if isUnique(err) {
			return nil, fmt.Errorf("counterparties created concurrently: %w", errConflict)
		}
		if err != nil {
			return nil, fmt.Errorf("insert counterparties: %w", err)
		}
		for rows.Next() {
			var id int64
			var ext string
			if err := rows.Scan(&id, &ext); err != nil {
				rows.Close()
				return nil, fmt.Errorf("insert counterparties: %w", err)
			}
			byID[ext].id = id
		}
		rows.Close()
		if err := rows.Err(); isUnique(err) {
			return nil, fmt.Errorf("counterparties created concurrently: %w", errConflict)
		} else if err != nil {
			return nil, fmt.Errorf("insert counterparties: %w", err)
		}
		q = `INSERT INTO counterparty_versions
			(counterparty_id, version, content_hash, type, name, country, dob, data, created_at, created_by) VALUES `
		args = args[:0]
		for i, it := range chunk {
			if i > 0 {
				q += ", "
			}
			q += t.s.placeholders(i*10, 10)
			args = append(args, it.id, 1, it.hash, it.c.Type, it.c.Name, it.c.Country, it.c.DOB, string(it.data), now, t.actor.Name)
		}
		if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("insert counterparty versions: %w", err)
		}
	}
	// Events and changes of existing rows in input order, so the trail
	// reads as the file did.
	results := make([]PutResult, len(items))
	for i := range items {
		it := &items[i]
		switch {
		case !it.existing:
			results[i] = PutResult{Version: 1, Created: true, Changed: true}
			if err := t.record(Change{Action: "counterparty.create", ObjectType: "counterparty", ObjectID: it.c.ExternalID,
				After: auditedVersion(1, it.hash, it.data)}); err != nil {
				return nil, err
			}
		case it.current == it.hash:
			results[i] = PutResult{Version: it.version}
		default:
			res, err := t.PutCounterparty(ctx, it.c)
			if err != nil {
				return nil, err
			}
			results[i] = res
		}
	}
	return results, nil
}

func (t *Tx) putEach(ctx context.Context, cs []Counterparty) ([]PutResult, error) {
	out := make([]PutResult, len(cs))
	for i, c := range cs {
		res, err := t.PutCounterparty(ctx, c)
		if err != nil {
			return nil, err
		}
		out[i] = res
	}
	return out, nil
}
