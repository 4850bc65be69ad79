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

// History remembers the parties seen in earlier checks, for the "newly
// seen party" red flag.
type History interface {
	// Seen records that the party with key was seen at now and reports
	// whether it had been seen before.
	Seen(key string, now time.Time) (before bool)
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

// PartyHistory is a History kept in a JSON file in the data directory. It
// is safe for concurrent use; call Save to write it back.
type PartyHistory struct {
	path    string
	mu      sync.Mutex
	parties map[string]*historyEntry
	dirty   bool
}

type historyEntry struct {
	First time.Time `json:"first_seen"`
	Last  time.Time `json:"last_seen"`
	Count int       `json:"count"`
}

// OpenHistory reads the history at path; a missing file is an empty
// history.
func OpenHistory(path string) (*PartyHistory, error) {
	h := &PartyHistory{path: path, parties: make(map[string]*historyEntry)}
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

// NewMemoryHistory returns a history that is never saved, for tests and
// one-off checks.
func NewMemoryHistory() *PartyHistory {
	return &PartyHistory{parties: make(map[string]*historyEntry)}
}

// Seen implements History.
func (h *PartyHistory) Seen(key string, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dirty = true
	e, ok := h.parties[key]
	if !ok {
		h.parties[key] = &historyEntry{First: now, Last: now, Count: 1}
		return false
	}
	e.Count++
	if now.After(e.Last) {
		e.Last = now
	}
	return true
}

// Len returns the number of parties in the history.
func (h *PartyHistory) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.parties)
}

// Save writes the history back to its file atomically (a temporary file
// renamed over the old one). A memory history saves nothing.
func (h *PartyHistory) Save() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.path == "" || !h.dirty {
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
	h.dirty = false
	return nil
}
