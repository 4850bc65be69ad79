package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Event is one entry of the audit trail: who (actor, key, role) did what
// (action on an object, its state before and after) when and why. Events
// are only ever appended; Seq numbers them without gaps from 1, and Hash
// chains each to the one before, so an edited, removed or reordered event
// breaks the chain at its Seq.
type Event struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	ActorKey   string          `json:"actor_key,omitempty"`
	Role       string          `json:"role"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Change is what a write method tells the trail: the action, the object,
// and its state before and after (nil for none), marshalled to JSON.
type Change struct {
	Action     string
	ObjectType string
	ObjectID   string
	Before     any
	After      any
}

// record adds an event for c to the transaction; Write appends the events
// to the chain before it commits.
func (t *Tx) record(c Change) error {
	before, err := marshalState(c.Before)
	if err != nil {
		return fmt.Errorf("audit %s: before: %w", c.Action, err)
	}
	after, err := marshalState(c.After)
	if err != nil {
		return fmt.Errorf("audit %s: after: %w", c.Action, err)
	}
	t.events = append(t.events, Event{
		Actor: t.actor.Name, ActorKey: t.actor.Key, Role: t.actor.Role,
		Action: c.Action, ObjectType: c.ObjectType, ObjectID: c.ObjectID,
		Before: before, After: after, Reason: t.reason,
	})
	return nil
}

func marshalState(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}

// auditLock is the PostgreSQL advisory lock key that serialises appends to
// the chain. It is taken at the end of a transaction, so writers run in
// parallel until they append; SQLite's single writer needs no lock.
const auditLock = 0x63686b70_61756474 // "chkpaudt"

// appendEvents numbers, chains and inserts the transaction's events.
func (t *Tx) appendEvents(ctx context.Context) error {
	if len(t.events) == 0 {
		return nil
	}
	if t.s.backend == Postgres {
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLock)); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	var seq int64
	var prev string
	err := t.tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read chain head: %w", err)
	}
	// The time is taken under the lock, so that times never run backwards
	// along the chain while the clock does not.
	at := t.s.now().UTC().Truncate(time.Microsecond)
	for i := range t.events {
		e := &t.events[i]
		seq++
		e.Seq, e.At, e.PrevHash = seq, at, prev
		e.Hash = e.computeHash()
		prev = e.Hash
	}
	const cols = 13
	const perInsert = 50 // rows per INSERT: fewer round trips, within SQLite's variable limit
	for start := 0; start < len(t.events); start += perInsert {
		batch := t.events[start:min(start+perInsert, len(t.events))]
		q := `INSERT INTO audit_events (seq, at, actor, actor_key, role, action, object_type, object_id,
			before_json, after_json, reason, prev_hash, hash) VALUES `
		args := make([]any, 0, len(batch)*cols)
		for i, e := range batch {
			if i > 0 {
				q += ", "
			}
			q += t.s.placeholders(i*cols, cols)
			args = append(args, e.Seq, t.s.ts(e.At), e.Actor, e.ActorKey, e.Role, e.Action, e.ObjectType, e.ObjectID,
				nullJSON(e.Before), nullJSON(e.After), e.Reason, e.PrevHash, e.Hash)
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}

// placeholders returns "($from+1, ..., $from+n)", or "(?, ..., ?)" on
// SQLite: the driver looks up each numbered parameter's name by a linear
// scan, which makes binding a long multi-row insert quadratic, while a
// bare ? is bound by position.
func (s *Store) placeholders(from, n int) string {
	b := make([]byte, 0, n*5)
	b = append(b, '(')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b = append(b, ", "...)
		}
		if s.backend == SQLite {
			b = append(b, '?')
			continue
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(from+i), 10)
	}
	return string(append(b, ')'))
}

func nullJSON(r json.RawMessage) any {
	if r == nil {
		return nil
	}
	return string(r)
}

// computeHash is SHA-256, in hex, over the canonical encoding of the event:
// each field in a fixed order as its decimal byte length, a colon, the
// bytes and a newline. Lengths make the encoding unambiguous whatever a
// field holds; the time is RFC 3339 UTC with microseconds; a missing before
// or after state is the empty string. PrevHash is part of it, which chains
// the events. docs/store.md describes this for auditors checking the trail
// with their own tools.
func (e *Event) computeHash() string {
	h := sha256.New()
	field := func(s string) {
		h.Write(strconv.AppendInt(nil, int64(len(s)), 10))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Format(timeLayout))
	field(e.Actor)
	field(e.ActorKey)
	field(e.Role)
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	field(string(e.Before))
	field(string(e.After))
	field(e.Reason)
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Problem is one break in the audit chain.
type Problem struct {
	Seq  int64  `json:"seq"`
	What string `json:"what"`
}

func (p Problem) String() string { return fmt.Sprintf("event %d: %s", p.Seq, p.What) }

// Verification is the outcome of VerifyAudit.
type Verification struct {
	Events   int64     `json:"events"`
	HeadSeq  int64     `json:"head_seq"`
	HeadHash string    `json:"head_hash"`
	Problems []Problem `json:"problems,omitempty"`
	// More counts problems beyond those listed.
	More int `json:"more_problems,omitempty"`
}

// OK reports whether the chain is intact.
func (v Verification) OK() bool { return len(v.Problems) == 0 }

// maxProblems caps the problems listed: after a tampering, every later
// link may be reported, and the first ones say where to look.
const maxProblems = 100

// VerifyAudit reads the whole trail in order and checks that sequence
// numbers run from 1 without gaps, that each event's prev_hash is the hash
// of the event before it, and that each hash matches the event's content.
// An edited event fails its hash; a removed one leaves a gap (or, removed
// at the end, a shorter chain: compare HeadSeq and HeadHash with a copy
// kept elsewhere); swapped events fail their hashes and links. The error
// is for a database that cannot be read, not for a broken chain.
func (s *Store) VerifyAudit(ctx context.Context) (Verification, error) {
	var v Verification
	add := func(seq int64, format string, args ...any) {
		if len(v.Problems) >= maxProblems {
			v.More++
			return
		}
		v.Problems = append(v.Problems, Problem{Seq: seq, What: fmt.Sprintf(format, args...)})
	}
	var prevSeq int64
	var prevHash string
	err := s.events(ctx, `ORDER BY seq`, nil, func(e Event) error {
		v.Events++
		if e.Seq != prevSeq+1 {
			if e.Seq > prevSeq+1 {
				add(e.Seq, "events %d to %d are missing (removed)", prevSeq+1, e.Seq-1)
			} else {
				add(e.Seq, "sequence number repeats or runs backwards after %d", prevSeq)
			}
		}
		if e.PrevHash != prevHash {
			add(e.Seq, "prev_hash does not match the hash of event %d before it (an event removed, edited or reordered)", prevSeq)
		}
		if got := e.computeHash(); got != e.Hash {
			add(e.Seq, "content does not match its hash (edited)")
		}
		prevSeq, prevHash = e.Seq, e.Hash
		return nil
	})
	v.HeadSeq, v.HeadHash = prevSeq, prevHash
	return v, err
}

// AuditEvents calls fn for each event with from <= At < to, in sequence
// order; a zero from or to leaves that end open.
func (s *Store) AuditEvents(ctx context.Context, from, to time.Time, fn func(Event) error) error {
	where := `WHERE 1 = 1`
	var args []any
	if !from.IsZero() {
		args = append(args, s.ts(from))
		where += ` AND at >= $` + strconv.Itoa(len(args))
	}
	if !to.IsZero() {
		args = append(args, s.ts(to))
		where += ` AND at < $` + strconv.Itoa(len(args))
	}
	return s.events(ctx, where+` ORDER BY seq`, args, fn)
}

// ObjectHistory returns the events about one object, oldest first.
func (s *Store) ObjectHistory(ctx context.Context, objectType, objectID string) ([]Event, error) {
	var out []Event
	err := s.events(ctx, `WHERE object_type = $1 AND object_id = $2 ORDER BY seq`, []any{objectType, objectID},
		func(e Event) error { out = append(out, e); return nil })
	return out, err
}

func (s *Store) events(ctx context.Context, tail string, args []any, fn func(Event) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT seq, at, actor, actor_key, role, action, object_type, object_id,
		before_json, after_json, reason, prev_hash, hash FROM audit_events `+tail, args...)
	if err != nil {
		return fmt.Errorf("read audit events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var at dbTime
		var before, after sql.NullString
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.ActorKey, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID,
			&before, &after, &e.Reason, &e.PrevHash, &e.Hash); err != nil {
			return fmt.Errorf("read audit events: %w", err)
		}
		e.At = at.Time
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit events: %w", err)
	}
	return nil
}
