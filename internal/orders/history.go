package orders

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// History is the party memory behind the "new party" red flag. The
// checker asks it about every party while checking an order and tells it
// the order's parties and decision once the decision is made; what to keep
// is the history's choice. PartyHistory keeps a JSON file; the workflow
// store can keep it in its database and record parties only when an
// analyst releases the order.
type History interface {
	// Known reports whether the party with key appeared, at or before at,
	// in an order other than orderID that the history recorded. Leaving
	// out orderID's own record is what makes a re-check of the same order
	// give the same findings.
	Known(key, orderID string, at time.Time) (bool, error)
	// Record notes that the order orderID, dated at, named the parties
	// with keys and got decision. A history must never make the parties
	// of a blocked order known.
	Record(orderID string, at time.Time, decision Decision, keys []string) error
}

// PartyKey is the history key of a party: its name normalised (lower case,
// no diacritics, punctuation or repeated spaces) and its ISO country code,
// so that "Acme GmbH" and "ACME, GmbH" in DE are one party.
func PartyKey(name, iso2 string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String()) + "|" + strings.ToUpper(iso2)
}

// PartyHistory is a History kept in a JSON file. It records the parties
// of clear orders only: a blocked order's parties must never become known
// customers, and a review order is not yet approved (the workflow store,
// which sees the analyst's release, can record those). A run sees the file
// as it was opened: records are kept aside until Save, so the findings of
// a batch do not depend on the order in which parallel workers checked it.
// It is safe for concurrent use.
type PartyHistory struct {
	path    string
	mu      sync.Mutex
	parties map[string]*historyEntry // as opened (or last saved)
	pending map[string]*historyEntry // recorded since
}

// historyEntry is what the history knows of one party: when and in which
// order it first appeared, when it last did, and in how many orders.
type historyEntry struct {
	First      time.Time `json:"first_seen"`
	FirstOrder string    `json:"first_order,omitempty"`
	Last       time.Time `json:"last_seen"`
	Count      int       `json:"count"`
}

// OpenHistory reads the history at path; a missing file is an empty
// history.
func OpenHistory(path string) (*PartyHistory, error) {
	h := &PartyHistory{path: path, parties: make(map[string]*historyEntry), pending: make(map[string]*historyEntry)}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read party history: %w", err)
	}
	if err := json.Unmarshal(data, &h.parties); err != nil {
		return nil, fmt.Errorf("read party history %s: %w", path, err)
	}
	if h.parties == nil {
		h.parties = make(map[string]*historyEntry)
	}
	return h, nil
}

// NewMemoryHistory returns a history that is never written to a file, for
// tests and one-off checks; Save makes its records known.
func NewMemoryHistory() *PartyHistory {
	return &PartyHistory{parties: make(map[string]*historyEntry), pending: make(map[string]*historyEntry)}
}

// Known implements History.
func (h *PartyHistory) Known(key, orderID string, at time.Time) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.parties[key]
	return ok && e.FirstOrder != orderID && !e.First.After(at), nil
}

// Record implements History: it keeps the parties of clear orders.
func (h *PartyHistory) Record(orderID string, at time.Time, decision Decision, keys []string) error {
	if decision != Clear {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keys {
		merge(h.pending, k, &historyEntry{First: at, FirstOrder: orderID, Last: at, Count: 1})
	}
	return nil
}

// merge adds e to the entry of key in m, keeping the earliest first
// appearance (the earlier order id on a tie of dates, so that the result
// does not depend on the order of the records).
func merge(m map[string]*historyEntry, key string, e *historyEntry) {
	old, ok := m[key]
	if !ok {
		c := *e
		m[key] = &c
		return
	}
	if e.First.Before(old.First) || e.First.Equal(old.First) && e.FirstOrder < old.FirstOrder {
		old.First, old.FirstOrder = e.First, e.FirstOrder
	}
	if e.Last.After(old.Last) {
		old.Last = e.Last
	}
	old.Count += e.Count
}

// Len returns the number of parties in the history, recorded ones
// included.
func (h *PartyHistory) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.parties)
	for k := range h.pending {
		if h.parties[k] == nil {
			n++
		}
	}
	return n
}

// Save merges the records into the history and writes it back to its file
// atomically (a temporary file renamed over the old one). A memory history
// only merges.
func (h *PartyHistory) Save() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) == 0 {
		return nil
	}
	for k, e := range h.pending {
		merge(h.parties, k, e)
	}
	clear(h.pending)
	if h.path == "" {
		return nil
	}
	data, err := json.MarshalIndent(h.parties, "", " ")
	if err != nil {
		return fmt.Errorf("encode party history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return fmt.Errorf("save party history: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(h.path), ".party-history-*")
	if err != nil {
		return fmt.Errorf("save party history: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("save party history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save party history: %w", err)
	}
	if err := os.Rename(tmp.Name(), h.path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save party history: %w", err)
	}
	return nil
}
