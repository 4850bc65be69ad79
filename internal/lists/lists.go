// Package lists is the catalog of sanctions lists: it knows every source,
// its official URLs and formats, loads the current good version of each,
// and replaces a version only with a new one that parsed and validated
// completely.
//
// It is the sources -> entities stage of the data flow (sources ->
// entities -> index -> screening -> decisions -> store). Versions live in
// a data directory as <dir>/lists/<source>/<version>/ holding the files as
// published and a meta.json, with a "current" pointer per source; the
// snapshot embedded by package bundle serves when the data directory has
// nothing newer. The parsers in the subpackages (ofac, un, eu, uk, csl,
// ftm) turn files into entity datasets; this package detects the format,
// dispatches, checks and stores.
package lists

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/bundle"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Defaults for Options.
const (
	// DefaultMaxShrink is the share by which a new version may be smaller
	// than the served one before it is refused.
	DefaultMaxShrink = 0.10
	// DefaultKeep is how many versions of a source stay on disk.
	DefaultKeep = 5
	// DefaultMaxDownload caps one downloaded file; the largest official
	// file (SDN_ADVANCED.XML) is about 122 MB.
	DefaultMaxDownload = 512 << 20
)

// Where a served version comes from.
const (
	OriginBundle  = "bundle"
	OriginDataDir = "data dir"
)

// ErrRefused is wrapped by the error of an update or import that was not
// accepted; the last good version keeps serving.
var ErrRefused = errors.New("refused")

// ErrNoDataDir is returned by Update and Import when the catalog has no
// data directory to store versions in.
var ErrNoDataDir = errors.New("no data directory configured (set CHOKEPOINT_DATA_DIR)")

// Options tune a Catalog. The zero value is usable except for MaxShrink,
// whose zero refuses any shrink: pass config.MaxShrink or
// DefaultMaxShrink.
type Options struct {
	// Logger receives load and update events; nil discards them.
	Logger *slog.Logger
	// MaxShrink is the largest share (0..1) by which a new version may
	// have fewer entities than the served one.
	MaxShrink float64
	// Force accepts a version that shrinks too much or is older than the
	// served one, recording an audit note in its meta.json.
	Force bool
	// Keep is the number of versions kept per source; 0 means DefaultKeep.
	Keep int
	// HTTPClient downloads updates; nil means a client with timeouts.
	HTTPClient *http.Client
	// URLs overrides download URLs, keyed by URLVar(source, file).
	URLs map[string]string
	// MaxDownload caps the size of one file; 0 means DefaultMaxDownload.
	MaxDownload int64
	// Sources restricts loading to these ids; empty loads every source.
	// Update and Import still work on any source.
	Sources []string
}

// Catalog holds the served version of every source. It is safe for
// concurrent use; Datasets returns a consistent snapshot.
type Catalog struct {
	root     string // <DataDir>/lists, or "" for the bundle only
	opt      Options
	log      *slog.Logger
	manifest map[string]bundle.Source
	order    []string // source ids in display order

	updating sync.Mutex // one update or import at a time
	mu       sync.RWMutex
	served   map[string]*served
	loadTime time.Duration
}

// served is the loaded state of one source.
type served struct {
	src      Source
	ds       *entity.Dataset
	meta     Meta
	origin   string
	dir      string // version directory for the data dir
	warnings []string
	err      error
	took     time.Duration
}

// Open loads the current good version of every source: the data
// directory's current version, or the previous good one if it fails to
// load, or the bundled snapshot when the data directory has nothing newer
// or nothing that loads. dataDir "" serves the bundle only. Open never
// writes; it returns an error only when no source could be loaded at all
// (and opt.Sources is empty). Sources that failed show in Sources().
func Open(dataDir string, opt Options) (*Catalog, error) {
	start := time.Now()
	if opt.Keep <= 0 {
		opt.Keep = DefaultKeep
	}
	if opt.MaxDownload <= 0 {
		opt.MaxDownload = DefaultMaxDownload
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Catalog{opt: opt, log: log.With("component", "lists"), served: make(map[string]*served)}
	if dataDir != "" {
		c.root = filepath.Join(dataDir, "lists")
	}
	man, err := bundle.Manifest()
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	c.manifest = make(map[string]bundle.Source, len(man))
	for _, s := range man {
		c.manifest[s.ID] = s
	}
	srcs := Registry()
	for _, id := range c.importedSources() {
		s, _ := lookup(id)
		srcs = append(srcs, s)
	}
	if len(opt.Sources) > 0 {
		for _, id := range opt.Sources {
			if _, ok := lookup(id); !ok {
				return nil, fmt.Errorf("open catalog: unknown source %q", id)
			}
		}
		srcs = slices.DeleteFunc(srcs, func(s Source) bool { return !slices.Contains(opt.Sources, s.ID) })
	}
	results := make([]*served, len(srcs))
	var wg sync.WaitGroup
	for i, s := range srcs {
		c.order = append(c.order, s.ID)
		wg.Go(func() { results[i] = c.load(s) })
	}
	wg.Wait()
	var loaded int
	var errs []error
	for _, sv := range results {
		c.served[sv.src.ID] = sv
		if sv.ds != nil {
			loaded++
			continue
		}
		if sv.err != nil {
			errs = append(errs, sv.err)
		}
	}
	c.loadTime = time.Since(start)
	// A catalog asked for some sources only may hold none yet (a first
	// import); one asked for everything must serve something.
	if loaded == 0 && len(opt.Sources) == 0 {
		return nil, fmt.Errorf("open catalog: no list could be loaded: %w", errors.Join(errs...))
	}
	return c, nil
}

// importedSources returns the FollowTheMoney sources found in the data
// directory, sorted.
func (c *Catalog) importedSources() []string {
	if c.root == "" {
		return nil
	}
	entries, err := os.ReadDir(c.root)
	if err != nil {
		return nil
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && ftmID.MatchString(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// candidate is one version that may serve a source.
type candidate struct {
	meta   Meta
	bundle *bundle.Source
}

// load picks and parses the version of src to serve.
func (c *Catalog) load(src Source) *served {
	start := time.Now()
	sv := &served{src: src}
	var cands []candidate
	if c.root != "" {
		current, err := readCurrent(c.root, src.ID)
		pointerBad := err != nil && !errors.Is(err, os.ErrNotExist)
		if pointerBad {
			sv.warn(c.log, "read current pointer: %v", err)
		}
		good, bad, err := storedVersions(c.root, src.ID)
		if err != nil {
			sv.warn(c.log, "list stored versions: %v", err)
		}
		for _, v := range slices.Sorted(maps.Keys(bad)) {
			e := bad[v]
			if v == current {
				sv.warn(c.log, "current version %s is unreadable (%v); falling back", current, e)
			} else {
				sv.warn(c.log, "stored version %s is unreadable (%v)", v, e)
			}
		}
		// The current version goes first; the others, newest stored first,
		// are the previous good versions to fall back to.
		for _, m := range good {
			if m.Version == current {
				cands = append(cands, candidate{meta: m})
			}
		}
		for _, m := range good {
			// Versions stored without a pointer were never made current
			// (a crash between the two steps), so they do not serve.
			if m.Version != current && (current != "" || pointerBad) {
				cands = append(cands, candidate{meta: m})
			}
		}
	}
	if b, ok := c.manifest[src.ID]; ok {
		// The bundle goes before the first stored version it is newer
		// than, unless that version was forced in on purpose.
		at := len(cands)
		for i, cd := range cands {
			if cd.meta.Published < b.Published && cd.meta.Forced == "" {
				at = i
				break
			}
		}
		cands = slices.Insert(cands, at, candidate{bundle: &b})
	}
	for i, cd := range cands {
		var err error
		if cd.bundle != nil {
			if i > 0 {
				sv.note("serving the bundled version: no newer version in the data directory loaded")
			} else if len(cands) > 1 {
				sv.note(fmt.Sprintf("serving the bundled version: it is newer than data directory version %s", cands[1].meta.Version))
			}
			sv.ds, sv.meta, err = loadBundle(src, *cd.bundle)
			sv.origin = OriginBundle
		} else {
			sv.dir = filepath.Join(c.root, src.ID, cd.meta.Version)
			sv.ds, err = loadStored(src, sv.dir, cd.meta, c.opt.MaxDownload)
			sv.meta, sv.origin = cd.meta, OriginDataDir
		}
		if err == nil {
			break
		}
		sv.ds, sv.dir = nil, ""
		what := "version " + cd.meta.Version
		if cd.bundle != nil {
			what = "bundled version " + sv.meta.Version
		}
		sv.warn(c.log, "%s failed to load, falling back: %v", what, err)
		sv.err = fmt.Errorf("load %s: %w", src.ID, err)
	}
	sv.took = time.Since(start)
	if sv.ds == nil {
		if sv.err == nil && src.Bundled {
			sv.err = fmt.Errorf("load %s: no version available", src.ID)
		}
		if sv.err != nil {
			c.log.Error("list not loaded", "source", src.ID, "error", sv.err)
		}
		return sv
	}
	sv.err = nil
	c.log.Debug("list loaded", "source", src.ID, "version", sv.ds.Version, "published", sv.ds.Published,
		"entities", len(sv.ds.Entities), "origin", sv.origin, "duration", sv.took)
	return sv
}

func (sv *served) warn(log *slog.Logger, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	sv.warnings = append(sv.warnings, msg)
	log.Warn("list version fallback", "source", sv.src.ID, "detail", msg)
}

// note records a fact about the choice of version; it is shown, not
// logged as a warning.
func (sv *served) note(msg string) { sv.warnings = append(sv.warnings, msg) }

// loadBundle parses the bundled snapshot of src.
func loadBundle(src Source, b bundle.Source) (*entity.Dataset, Meta, error) {
	files := make(parse.Files, len(b.Files))
	m := Meta{Source: src.ID, Format: Format(b.Format), Method: "bundle", Published: b.Published,
		PublishedFrom: "bundle manifest", Notes: slices.Clone(b.Notes)}
	for _, f := range b.Files {
		data, err := bundle.ReadFile(b, f.Name)
		if err != nil {
			return nil, m, err
		}
		files[f.Name] = data
		m.Files = append(m.Files, FileInfo{Name: f.Name, SHA256: f.SHA256, Size: f.Size, URL: f.URL,
			Published: f.Published, Records: f.Records, Origin: f.Origin})
	}
	m.ContentHash = contentHash(m.Files)
	m.Version = versionName(m.Published, m.ContentHash)
	ds, err := parseCheckedSkipping(src.ID, m.Format, files, b.SkipLists)
	if err != nil {
		return nil, m, err
	}
	if ds.Published != "" && ds.Published != m.Published {
		m.Published, m.PublishedFrom = ds.Published, "file"
		m.Version = versionName(m.Published, m.ContentHash)
	}
	m.Counts, m.Total = countsOf(ds), len(ds.Entities)
	finish(ds, m)
	ds.Excerpt = b.Excerpt
	return ds, m, nil
}

// loadStored parses a stored version.
func loadStored(src Source, dir string, m Meta, maxSize int64) (*entity.Dataset, error) {
	files, err := readVersionFiles(dir, m, maxSize)
	if err != nil {
		return nil, err
	}
	if got := contentHash(m.Files); got != m.ContentHash {
		return nil, fmt.Errorf("%s: content hash %s does not match its files (%s)", filepath.Join(dir, metaFile), m.ContentHash, got)
	}
	ds, err := parseChecked(src.ID, m.Format, files)
	if err != nil {
		return nil, err
	}
	finish(ds, m)
	return ds, nil
}

// finish stamps the dataset with the version's identity and notes.
func finish(ds *entity.Dataset, m Meta) {
	ds.Version = m.Version
	if ds.Published == "" {
		ds.Published = m.Published
	}
	for _, n := range m.Notes {
		if !slices.Contains(ds.Notes, n) {
			ds.Notes = append(ds.Notes, n)
		}
	}
}

// parseChecked parses files and validates the result completely: the
// source it claims, at least one entity, every entity valid, no id twice.
func parseChecked(source string, f Format, files parse.Files) (*entity.Dataset, error) {
	return parseCheckedSkipping(source, f, files, nil)
}

// parseCheckedSkipping is parseChecked leaving out the entities of the
// lists named in skip (by their "list" property, as the CSL sets it),
// before relations are resolved so none points at a left-out entity.
func parseCheckedSkipping(source string, f Format, files parse.Files, skip []string) (*entity.Dataset, error) {
	ds, err := parseFiles(source, f, files)
	if err != nil {
		return nil, err
	}
	if len(skip) > 0 {
		ds.Entities = slices.DeleteFunc(ds.Entities, func(e *entity.Entity) bool {
			l := e.Properties["list"]
			return len(l) > 0 && slices.Contains(skip, l[0])
		})
	}
	if err := validate(ds, source); err != nil {
		return nil, err
	}
	resolveRelations(ds)
	return ds, nil
}

func validate(ds *entity.Dataset, source string) error {
	if ds == nil {
		return errors.New("parser returned no dataset")
	}
	if ds.Source != source {
		return fmt.Errorf("dataset is of source %q, want %q", ds.Source, source)
	}
	if len(ds.Entities) == 0 {
		return errors.New("no entities: the list is empty")
	}
	seen := make(map[string]bool, len(ds.Entities))
	var bad []error
	for _, e := range ds.Entities {
		if e == nil {
			bad = append(bad, errors.New("nil entity"))
			continue
		}
		if err := e.Validate(); err != nil {
			bad = append(bad, err)
		} else if e.Source != source {
			bad = append(bad, fmt.Errorf("entity %s: source %q, want %q", e.ID, e.Source, source))
		} else if seen[e.ID] {
			bad = append(bad, fmt.Errorf("entity %s: id appears twice", e.ID))
		}
		seen[e.ID] = true
	}
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("invalid entity: %w", bad[0])
	}
	return fmt.Errorf("%d invalid entities, first: %w", len(bad), bad[0])
}

// Datasets returns the served dataset of every loaded source, in display
// order. The datasets are shared and must not be modified.
func (c *Catalog) Datasets() []*entity.Dataset {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*entity.Dataset
	for _, id := range c.order {
		if sv := c.served[id]; sv != nil && sv.ds != nil {
			out = append(out, sv.ds)
		}
	}
	return out
}

// Dataset returns the served dataset of source.
func (c *Catalog) Dataset(source string) (*entity.Dataset, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sv := c.served[source]
	if sv == nil || sv.ds == nil {
		return nil, false
	}
	return sv.ds, true
}

// Entity returns the served entity with id ("us_ofac_sdn:33596").
func (c *Catalog) Entity(id string) (*entity.Entity, bool) {
	for _, ds := range c.Datasets() {
		for _, e := range ds.Entities {
			if e.ID == id {
				return e, true
			}
		}
	}
	return nil, false
}

// LoadTime is how long Open took.
func (c *Catalog) LoadTime() time.Duration { return c.loadTime }

// SourceStatus is what the catalog knows about one source: everything
// `chokepoint lists` prints.
type SourceStatus struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Publisher string `json:"publisher"`
	// Origin is OriginBundle or OriginDataDir; empty when nothing loaded.
	Origin    string         `json:"origin"`
	Dir       string         `json:"dir,omitempty"`
	Published string         `json:"published"`
	Version   string         `json:"version"`
	Format    Format         `json:"format"`
	Stored    time.Time      `json:"stored,omitzero"`
	Counts    map[string]int `json:"counts"`
	Total     int            `json:"total"`
	Files     []FileInfo     `json:"files"`
	// Formats are the accepted formats with their official URLs.
	Formats []FormatSpec `json:"formats"`
	// Notes are the dataset's notes: orphans, excerpts, date caveats.
	Notes []string `json:"notes,omitempty"`
	// Warnings say why a version other than the current one serves.
	Warnings []string `json:"warnings,omitempty"`
	Forced   string   `json:"forced,omitempty"`
	Error    string   `json:"error,omitempty"`
	// LoadMillis is how long parsing this source took at Open.
	LoadMillis float64 `json:"load_ms"`
}

// Sources returns the status of every source, in display order.
func (c *Catalog) Sources() []SourceStatus {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]SourceStatus, 0, len(c.order))
	for _, id := range c.order {
		sv := c.served[id]
		st := SourceStatus{ID: id, Name: sv.src.Name, Publisher: sv.src.Publisher, Formats: sv.src.Formats,
			Warnings: sv.warnings, LoadMillis: float64(sv.took.Microseconds()) / 1000}
		if sv.err != nil {
			st.Error = sv.err.Error()
		}
		if sv.ds != nil {
			m := sv.meta
			st.Origin, st.Dir = sv.origin, sv.dir
			st.Published, st.Version, st.Format = sv.ds.Published, sv.ds.Version, m.Format
			st.Stored, st.Counts, st.Total, st.Files = m.Stored, m.Counts, m.Total, m.Files
			st.Notes, st.Forced = sv.ds.Notes, m.Forced
		}
		out = append(out, st)
	}
	return out
}
