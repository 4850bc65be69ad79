package lists

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// DefaultMaxAge is how long after its publication a list version is
// screened against without a staleness warning. OFAC, the UN, the EU and
// the UK publish changes several times a week; a week without an update
// means a missed update, not a quiet list.
const DefaultMaxAge = 7 * 24 * time.Hour

// Warning kinds.
const (
	// WarnExcerpt: the version holds only some of the list's records.
	WarnExcerpt = "excerpt"
	// WarnStale: the version was published longer ago than the allowed
	// age, or carries no usable date.
	WarnStale = "stale"
	// WarnUpdateFailed: the last `lists update` of the source was refused
	// or could not download it.
	WarnUpdateFailed = "update_failed"
)

// Warning is a reason to distrust a screening result that comes from the
// lists it was screened against rather than from the party screened.
type Warning struct {
	Source  string `json:"source"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func (w Warning) String() string { return w.Source + ": " + w.Message }

// UpdateRecord is a failed update of one source, kept in
// <data dir>/lists/<source>/update-failed.json until an update of the
// source succeeds, so that every later screening, in any process, can say
// that the list in service is not the newest.
type UpdateRecord struct {
	Time   time.Time `json:"time"`
	Reason string    `json:"reason"`
	// Serving is the version that stayed in service.
	Serving string `json:"serving,omitempty"`
}

const updateFailedFile = "update-failed.json"

// recordUpdate records a refused update of r.Source, or clears the record
// when the update succeeded (updated or unchanged).
func recordUpdate(root string, r UpdateResult, at time.Time) error {
	dir := filepath.Join(root, r.Source)
	path := filepath.Join(dir, updateFailedFile)
	if r.Status != StatusRefused {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	b, err := json.MarshalIndent(UpdateRecord{Time: at.UTC(), Reason: r.Reason, Serving: r.From}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// readUpdateRecord returns the failed update of source, or ok false when
// its last update did not fail.
func readUpdateRecord(root, source string) (rec UpdateRecord, ok bool, err error) {
	path := filepath.Join(root, source, updateFailedFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return rec, false, nil
	}
	if err != nil {
		return rec, false, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, false, fmt.Errorf("%s: %w", path, err)
	}
	return rec, true, nil
}

// Warner computes the warnings for the datasets a screening used: excerpts,
// versions older than MaxAge past their publication, and sources whose
// last update failed. It is safe for concurrent use; the update records
// are read from disk at most once a minute, so a server notices a failed
// update made by another process without reading files per request.
type Warner struct {
	// DataDir is the configured data directory; "" means bundle only,
	// with no update records.
	DataDir string
	// MaxAge is the staleness limit; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	mu      sync.Mutex
	readAt  time.Time
	records map[string]UpdateRecord
	readErr map[string]error
}

// recordsTTL is how long update records read from disk are trusted.
const recordsTTL = time.Minute

// Warnings returns the warnings for datasets, in their order.
func (w *Warner) Warnings(datasets []*entity.Dataset) []Warning {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	maxAge := w.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	recs, errs := w.updateRecords(datasets, now)
	out := []Warning{}
	for _, d := range datasets {
		if d.Excerpt {
			out = append(out, Warning{Source: d.Source, Kind: WarnExcerpt, Message: fmt.Sprintf(
				"version %s is an excerpt of %d records, not the whole list: parties missing from it are not screened", d.Version, len(d.Entities))})
		}
		out = append(out, staleness(d, now, maxAge)...)
		if err := errs[d.Source]; err != nil {
			out = append(out, Warning{Source: d.Source, Kind: WarnUpdateFailed, Message: "cannot read the record of the last update: " + err.Error()})
		} else if rec, ok := recs[d.Source]; ok && !rec.Time.IsZero() {
			out = append(out, Warning{Source: d.Source, Kind: WarnUpdateFailed, Message: fmt.Sprintf(
				"the last update (%s) failed: %s; still serving %s", rec.Time.Format("2006-01-02 15:04 MST"), rec.Reason, d.Version)})
		}
	}
	return out
}

// staleness warns when d was published more than maxAge before now, or
// has no date to tell.
func staleness(d *entity.Dataset, now time.Time, maxAge time.Duration) []Warning {
	pub, err := time.Parse(time.DateOnly, d.Published)
	if err != nil {
		return []Warning{{Source: d.Source, Kind: WarnStale, Message: fmt.Sprintf(
			"version %s has no usable publication date (%q), so its age is unknown", d.Version, d.Published)}}
	}
	age := now.Sub(pub)
	if age <= maxAge {
		return nil
	}
	return []Warning{{Source: d.Source, Kind: WarnStale, Message: fmt.Sprintf(
		"version %s was published %s, %d days ago (limit %s): parties listed since are not screened",
		d.Version, d.Published, int(age.Hours()/24), formatAge(maxAge))}}
}

// formatAge writes whole days as "7d" and anything else as a duration.
func formatAge(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func (w *Warner) updateRecords(datasets []*entity.Dataset, now time.Time) (map[string]UpdateRecord, map[string]error) {
	if w.DataDir == "" {
		return nil, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fresh := w.records != nil && now.Sub(w.readAt) < recordsTTL && now.Sub(w.readAt) >= 0
	for _, d := range datasets {
		if _, known := w.records[d.Source]; !known && w.readErr[d.Source] == nil {
			fresh = false
		}
	}
	if fresh {
		return w.records, w.readErr
	}
	root := filepath.Join(w.DataDir, "lists")
	w.records, w.readErr = make(map[string]UpdateRecord), make(map[string]error)
	for _, d := range datasets {
		rec, ok, err := readUpdateRecord(root, d.Source)
		switch {
		case err != nil:
			w.readErr[d.Source] = err
		case ok:
			w.records[d.Source] = rec
		default:
			w.records[d.Source] = UpdateRecord{} // none yet: nothing to warn about
		}
	}
	w.readAt = now
	return w.records, w.readErr
}
