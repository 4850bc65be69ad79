package lists

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/progress"
)

// Update statuses.
const (
	StatusUpdated   = "updated"
	StatusUnchanged = "unchanged"
	StatusRefused   = "refused"
)

// UpdateOptions choose what Update fetches and from where.
type UpdateOptions struct {
	// Sources restricts the update to these ids; empty means every source
	// with a download URL.
	Sources []string
	// BaseURL, when set, fetches every file as <BaseURL>/<source>/<file>
	// instead of from its official URL (mirrors and tests).
	BaseURL string
	// MaxShrink, when not nil, overrides Options.MaxShrink.
	MaxShrink *float64
	// Force accepts shrinks and older publications with an audit note.
	Force bool
	// Timeout is how long a server may stay silent (no connection, no
	// headers, no bytes of the body) before the download is given up; 0
	// means DefaultTimeout. A slow server that keeps sending is waited for.
	Timeout time.Duration
	// Progress, when not nil, receives a progress line per download; it
	// is drawn only on a terminal unless ForceProgress is set.
	Progress      io.Writer
	ForceProgress bool
}

// DefaultTimeout is how long Update waits on a silent server.
const DefaultTimeout = 30 * time.Second

// UpdateResult says what an update or import did to one source.
type UpdateResult struct {
	Source string `json:"source"`
	// Status is StatusUpdated, StatusUnchanged or StatusRefused.
	Status string `json:"status"`
	// From is the version served before; To the version served after.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Reason says why an update was refused, naming the file and line.
	Reason    string         `json:"reason,omitempty"`
	Published string         `json:"published,omitempty"`
	Counts    map[string]int `json:"counts,omitempty"`
	Total     int            `json:"total,omitempty"`
	Files     []FileInfo     `json:"files,omitempty"`
	// Added, Removed and Changed count the entities that differ from the
	// version served before.
	Added   int      `json:"added"`
	Removed int      `json:"removed"`
	Changed int      `json:"changed"`
	Notes   []string `json:"notes,omitempty"`
	Forced  string   `json:"forced,omitempty"`
}

// String is the one-line summary the CLI prints.
func (r UpdateResult) String() string {
	switch r.Status {
	case StatusUpdated:
		s := fmt.Sprintf("%s: updated from %s to %s (%d entities; +%d -%d ~%d)", r.Source, orNone(r.From), r.To, r.Total, r.Added, r.Removed, r.Changed)
		if r.Forced != "" {
			s += "; " + r.Forced
		}
		return s
	case StatusUnchanged:
		return fmt.Sprintf("%s: unchanged (%s)", r.Source, r.From)
	}
	return fmt.Sprintf("%s: refused: %s; still serving %s", r.Source, r.Reason, orNone(r.From))
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// refusal is a reason to keep the served version. It wraps ErrRefused
// and the cause, so callers can test for both.
type refusal struct{ cause error }

func (r *refusal) Error() string   { return r.cause.Error() }
func (r *refusal) Unwrap() []error { return []error{ErrRefused, r.cause} }

func refuse(format string, args ...any) error {
	return &refusal{fmt.Errorf(format, args...)}
}

// Update downloads every selected source in its primary format, and
// replaces the served version of each whose files changed and passed every
// check. It returns one result per source; the error wraps ErrRefused when
// any source was refused, and is something else only when nothing could be
// attempted.
func (c *Catalog) Update(ctx context.Context, opt UpdateOptions) ([]UpdateResult, error) {
	if c.root == "" {
		return nil, ErrNoDataDir
	}
	ids := opt.Sources
	if len(ids) == 0 {
		for _, s := range registry {
			ids = append(ids, s.ID)
		}
	}
	var srcs []Source
	for _, id := range ids {
		s, ok := lookup(id)
		if !ok {
			return nil, fmt.Errorf("update: unknown source %q", id)
		}
		if len(s.Formats) == 0 || s.Formats[0].Files[0].URL == "" && opt.BaseURL == "" && c.opt.URLs[URLVar(s.ID, s.Formats[0].Files[0].Name)] == "" {
			return nil, fmt.Errorf("update: source %s has no download URL; use lists import", id)
		}
		srcs = append(srcs, s)
	}
	pol := c.policy()
	if opt.MaxShrink != nil {
		pol.maxShrink = *opt.MaxShrink
	}
	pol.force = pol.force || opt.Force
	var results []UpdateResult
	var errs []error
	for _, s := range srcs {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		fs := s.Formats[0]
		files, infos, err := c.download(ctx, s, fs, opt)
		var r UpdateResult
		if err != nil {
			r = c.refused(s.ID, err)
			err = &refusal{err}
		} else {
			r, err = c.commit(s, fs.Format, files, infos, "update", pol)
		}
		if rerr := recordUpdate(c.root, r, time.Now()); rerr != nil {
			c.log.Warn("record update outcome", "source", s.ID, "error", rerr)
		}
		results = append(results, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.ID, err))
		}
	}
	return results, errors.Join(errs...)
}

// Import loads files from disk as a new version of source, detecting
// their format from their content. It applies the same checks as Update;
// the error wraps ErrRefused when the files were not accepted, and
// ErrUnknownFormat when a file's format is not recognised.
func (c *Catalog) Import(ctx context.Context, source string, paths []string) (UpdateResult, error) {
	if c.root == "" {
		return UpdateResult{}, ErrNoDataDir
	}
	src, ok := lookup(source)
	if !ok {
		return UpdateResult{}, fmt.Errorf("import: unknown source %q (want a known id or ftm_<name>)", source)
	}
	if len(paths) == 0 {
		return UpdateResult{}, errors.New("import: no files given")
	}
	f, files, infos, err := c.readImport(ctx, src, paths)
	if err != nil {
		r := c.refused(source, err)
		return r, &refusal{err}
	}
	return c.commit(src, f, files, infos, "import", c.policy())
}

// readImport reads paths, detects their format and maps each to its
// logical file name.
func (c *Catalog) readImport(ctx context.Context, src Source, paths []string) (Format, parse.Files, []FileInfo, error) {
	var format Format
	files := make(parse.Files)
	var infos []FileInfo
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return "", nil, nil, err
		}
		data, err := readLimited(p, c.opt.MaxDownload)
		if err != nil {
			return "", nil, nil, err
		}
		d, err := Detect(head(data))
		if err != nil {
			return "", nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		if format != "" && d.Format != format {
			return "", nil, nil, fmt.Errorf("%s: format %s, but the other files are %s", p, d.Format, format)
		}
		format = d.Format
		fs, ok := src.format(d.Format)
		if !ok {
			return "", nil, nil, fmt.Errorf("%s: format %s, but source %s accepts %s: %w", p, d.Format, src.ID, src.formatNames(), ErrUnknownFormat)
		}
		name := fs.Files[0].Name
		if d.Format == FormatOFACCSV {
			name = fs.Files[d.Part].Name
		}
		if _, dup := files[name]; dup {
			return "", nil, nil, fmt.Errorf("%s: a second %s (%s table) in the same import", p, name, d.Format)
		}
		files[name] = data
		abs, _ := filepath.Abs(p)
		infos = append(infos, FileInfo{Name: name, SHA256: sha256Hex(data), Size: int64(len(data)), URL: abs})
	}
	fs, _ := src.format(format)
	for _, f := range fs.Files {
		if f.Required {
			if _, ok := files[f.Name]; !ok {
				return "", nil, nil, fmt.Errorf("missing %s: format %s needs %s", f.Name, format, strings.Join(requiredNames(fs), ", "))
			}
		}
	}
	return format, files, infos, nil
}

func requiredNames(fs FormatSpec) []string {
	var n []string
	for _, f := range fs.Files {
		if f.Required {
			n = append(n, f.Name)
		}
	}
	return n
}

func head(b []byte) []byte { return b[:min(len(b), 8192)] }

func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: over %d bytes", path, max)
	}
	return data, nil
}

// policy is what decides whether a new version is accepted.
type policy struct {
	maxShrink float64
	force     bool
}

func (c *Catalog) policy() policy { return policy{maxShrink: c.opt.MaxShrink, force: c.opt.Force} }

func (c *Catalog) refused(source string, err error) UpdateResult {
	r := UpdateResult{Source: source, Status: StatusRefused, Reason: err.Error()}
	if ds, ok := c.Dataset(source); ok {
		r.From = ds.Version
	}
	// The refusal is returned to the caller, who reports it; logging it
	// as well made the command print every error twice.
	c.log.Debug("list update refused", "source", source, "reason", r.Reason)
	return r
}

// commit checks files as a new version of src and, when they pass, stores
// them and makes them current, on disk and in memory. Every failure leaves
// the served version in place.
func (c *Catalog) commit(src Source, f Format, files parse.Files, infos []FileInfo, method string, pol policy) (UpdateResult, error) {
	c.updating.Lock()
	defer c.updating.Unlock()
	unlock, err := lockDir(c.root)
	if err != nil {
		return c.refused(src.ID, err), &refusal{err}
	}
	defer unlock()

	c.mu.RLock()
	old, loaded := c.served[src.ID]
	c.mu.RUnlock()
	if loaded && old.ds != nil {
		// Another process may have made a version current since this
		// catalog loaded; the checks must compare against that one.
		if cur, err := readCurrent(c.root, src.ID); err == nil && cur != old.meta.Version {
			loaded = false
		}
	}
	if !loaded {
		// A catalog opened for some sources only, or one whose view is
		// stale, checks a new version against the one that serves.
		old = c.load(src)
		c.mu.Lock()
		if _, known := c.served[src.ID]; !known {
			c.order = append(c.order, src.ID)
		}
		c.served[src.ID] = old
		c.mu.Unlock()
	}
	r := UpdateResult{Source: src.ID, Files: infos}
	if old != nil && old.ds != nil {
		r.From = old.ds.Version
	}
	fail := func(err error) (UpdateResult, error) {
		// Parsers name the logical file; an import also names the path
		// the user gave.
		var pe *parse.Error
		if method == "import" && errors.As(err, &pe) {
			for _, fi := range infos {
				if fi.Name == pe.File && fi.URL != pe.File {
					err = fmt.Errorf("%w (imported from %s)", err, fi.URL)
				}
			}
		}
		res := c.refused(src.ID, err)
		res.Files = infos
		var rf *refusal
		if errors.As(err, &rf) {
			return res, err
		}
		return res, &refusal{err}
	}
	wholeNotes, err := checkFormat(src, f, files)
	if err != nil {
		return fail(err)
	}
	hash := contentHash(infos)
	if old != nil && old.ds != nil {
		prev := make(map[string]string)
		for _, fi := range old.meta.Files {
			prev[fi.Name] = fi.SHA256
		}
		for i := range r.Files {
			r.Files[i].Unchanged = prev[r.Files[i].Name] == r.Files[i].SHA256
		}
		if old.meta.ContentHash == hash {
			r.Status, r.To = StatusUnchanged, r.From
			r.Published, r.Counts, r.Total = old.ds.Published, old.meta.Counts, old.meta.Total
			c.log.Info("list unchanged", "source", src.ID, "version", r.From)
			return r, nil
		}
	}
	ds, err := parseChecked(src.ID, f, files)
	if err != nil {
		return fail(err)
	}
	if err := checkDated(f, ds, files); err != nil {
		return fail(err)
	}
	m := Meta{Source: src.ID, Format: f, Method: method, Stored: time.Now().UTC(), ContentHash: hash,
		Files: infos, Counts: countsOf(ds), Total: len(ds.Entities), Notes: wholeNotes}
	switch {
	case ds.Published != "":
		m.Published, m.PublishedFrom = ds.Published, "file"
	case method == "update" && infos[0].Published != "":
		m.Published = infos[0].Published
		m.PublishedFrom = "http Last-Modified of " + infos[0].Name
		m.Notes = append(m.Notes, fmt.Sprintf("publication date taken from the HTTP Last-Modified header of %s: the %s files carry no date", infos[0].Name, f))
	default:
		m.Published = m.Stored.Format(time.DateOnly)
		m.PublishedFrom = method + " time"
		m.Notes = append(m.Notes, fmt.Sprintf("publication date unknown (the %s files carry none): recorded %s, the %s date, so staleness warnings count from the %s, not from the publication", f, m.Published, method, method))
	}
	m.Version = versionName(m.Published, hash)
	if old != nil && old.ds != nil {
		m.Replaced = old.ds.Version
		var audit []string
		// Partial records (entries known only from a companion file) do
		// not count: a main file cut short would otherwise be refilled
		// from the alias file and slip past the check.
		if n, o := fullRecords(ds), fullRecords(old.ds); o > 0 && n < o {
			share := float64(o-n) / float64(o)
			if share > pol.maxShrink {
				if !pol.force {
					return fail(refuse("%d entities, down from %d in %s: shrinks by %.1f%%, more than the allowed %.1f%% (use --force to accept, or --max-shrink)",
						n, o, old.ds.Version, share*100, pol.maxShrink*100))
				}
				audit = append(audit, fmt.Sprintf("shrink of %.1f%% (%d to %d entities) accepted with --force", share*100, o, n))
			}
		}
		if m.Published < old.ds.Published {
			if !pol.force {
				return fail(refuse("published %s, older than the served %s (%s); use --force to go back", m.Published, old.ds.Published, old.ds.Version))
			}
			audit = append(audit, fmt.Sprintf("older publication %s replaces %s with --force", m.Published, old.ds.Published))
		}
		if len(audit) > 0 {
			m.Forced = strings.Join(audit, "; ") + " at " + m.Stored.Format(time.RFC3339)
			m.Notes = append(m.Notes, "forced: "+m.Forced)
		}
	}
	finish(ds, m)
	prevDir := ""
	if old != nil {
		prevDir = old.dir
	}
	if err := storeVersion(c.root, m, files, prevDir); err != nil {
		return fail(fmt.Errorf("store version: %w", err))
	}
	if err := writeCurrent(c.root, src.ID, m.Version); err != nil {
		return fail(fmt.Errorf("write current pointer: %w", err))
	}
	if err := prune(c.root, src.ID, m.Version, c.opt.Keep); err != nil {
		c.log.Warn("prune old versions", "source", src.ID, "error", err)
	}
	if old != nil && old.ds != nil {
		cs := Diff(old.ds, ds)
		r.Added, r.Removed, r.Changed = len(cs.Added), len(cs.Removed), len(cs.Changed)
	} else {
		r.Added = len(ds.Entities)
	}
	sv := &served{src: src, ds: ds, meta: m, origin: OriginDataDir, dir: filepath.Join(c.root, src.ID, m.Version)}
	c.mu.Lock()
	c.served[src.ID] = sv
	c.mu.Unlock()
	r.Status, r.To, r.Published, r.Counts, r.Total = StatusUpdated, m.Version, m.Published, m.Counts, m.Total
	r.Notes, r.Forced = m.Notes, m.Forced
	c.log.Info("list updated", "source", src.ID, "from", r.From, "to", r.To, "entities", r.Total, "method", method)
	return r, nil
}

// checkFormat refuses files whose content is not the format they are
// meant to be, or that are not whole, so a wrong or cut file gets a plain
// reason before any parser sees it. It returns notes on tolerated gaps.
func checkFormat(src Source, f Format, files parse.Files) ([]string, error) {
	fs, ok := src.format(f)
	if !ok {
		return nil, fmt.Errorf("format %s is not accepted by %s (want %s)", f, src.ID, src.formatNames())
	}
	var notes []string
	for i, spec := range fs.Files {
		data, ok := files[spec.Name]
		if !ok {
			if spec.Required {
				return nil, fmt.Errorf("missing %s", spec.Name)
			}
			continue
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, fmt.Errorf("%s: %w", spec.Name, parse.ErrEmpty)
		}
		d, err := Detect(head(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w, want %s", spec.Name, err, f)
		}
		if d.Format != f || f == FormatOFACCSV && d.Part != i {
			return nil, fmt.Errorf("%s: content is %s, want %s", spec.Name, describe(d), describeAt(f, i))
		}
		if f == FormatOFACCSV || f == FormatCSLCSV || f == FormatUKCSV || f == FormatEUCSV {
			if err := checkQuotes(data, spec.Name); err != nil {
				return nil, err
			}
		}
		note, err := checkWhole(f, i, spec.Name, data)
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	for name := range files {
		if !slices.ContainsFunc(fs.Files, func(s FileSpec) bool { return s.Name == name }) {
			return nil, fmt.Errorf("%s is not a file of format %s", name, f)
		}
	}
	return notes, nil
}

// checkQuotes refuses a CSV file that ends inside a quoted field, the
// usual sign of a download cut short: CSV readers with lazy quotes would
// otherwise take the rest of the file as one field and carry on.
func checkQuotes(data []byte, file string) error {
	in := false
	var open int
	for i, b := range data {
		if b == '"' {
			if !in {
				open = i
			}
			in = !in // a doubled "" inside a field toggles twice
		}
	}
	if !in {
		return nil
	}
	line, col := parse.LineCol(data, int64(open))
	return &parse.Error{File: file, Line: line, Column: col, Offset: int64(open),
		Err: fmt.Errorf("%w: a quoted field opened here is never closed", parse.ErrTruncated)}
}

var ofacParts = []string{"main table", "address table", "alias table", "remarks continuation table"}

func describe(d Detected) string {
	if d.Format == FormatOFACCSV {
		return "the OFAC CSV " + ofacParts[d.Part]
	}
	return string(d.Format)
}

func describeAt(f Format, part int) string { return describe(Detected{Format: f, Part: part}) }

// download fetches the files of fs for src.
func (c *Catalog) download(ctx context.Context, src Source, fs FormatSpec, opt UpdateOptions) (parse.Files, []FileInfo, error) {
	client := c.opt.HTTPClient
	if client == nil {
		client = defaultClient
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	files := make(parse.Files)
	var infos []FileInfo
	for _, f := range fs.Files {
		u := fileURL(src, f, opt.BaseURL, c.opt.URLs)
		var bar *progress.Bar
		if opt.Progress != nil {
			bar = progress.New(opt.Progress, 0, "KB", opt.ForceProgress)
			bar.Label = src.ID + " " + f.Name
		}
		data, lastMod, err := fetch(ctx, client, u, c.opt.MaxDownload, timeout, bar)
		if bar != nil {
			bar.Clear()
		}
		if err != nil {
			if !f.Required && errors.Is(err, errNotFound) {
				continue
			}
			return nil, nil, fmt.Errorf("download %s: %w", f.Name, err)
		}
		fi := FileInfo{Name: f.Name, SHA256: sha256Hex(data), Size: int64(len(data)), URL: u}
		if t, err := http.ParseTime(lastMod); err == nil {
			fi.LastModified = lastMod
			fi.Published = t.UTC().Format(time.DateOnly)
		}
		files[f.Name] = data
		infos = append(infos, fi)
	}
	return files, infos, nil
}

var errNotFound = errors.New("not found")

// defaultClient bounds every phase of a download; the overall timeout
// allows a 120 MB file on a slow line.
var defaultClient = &http.Client{
	Timeout: 10 * time.Minute,
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
	},
}

// errSilent is the cause of a download given up on a silent server.
var errSilent = errors.New("server silent")

// fetch downloads url. It gives up when the server sends nothing (no
// connection, no headers, no body bytes) for timeout, however long the
// whole download takes; bar, when not nil, shows the bytes received.
func fetch(ctx context.Context, client *http.Client, url string, max int64, timeout time.Duration, bar *progress.Bar) ([]byte, string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	silence := time.AfterFunc(timeout, func() { cancel(errSilent) })
	defer silence.Stop()
	data, lastMod, err := fetchBody(ctx, client, url, max, &watchdog{timer: silence, timeout: timeout, bar: bar})
	if err != nil && errors.Is(context.Cause(ctx), errSilent) {
		return nil, "", fmt.Errorf("%s: no answer for %s, giving up (a silent server; set --timeout or CHOKEPOINT_UPDATE_TIMEOUT to wait longer)", url, timeout)
	}
	return data, lastMod, err
}

// watchdog restarts the silence timer on every byte received and moves the
// progress bar.
type watchdog struct {
	timer   *time.Timer
	timeout time.Duration
	bar     *progress.Bar
	r       io.Reader
	n, size int64
}

func (w *watchdog) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.timer.Reset(w.timeout)
		w.n += int64(n)
		if w.bar != nil {
			w.bar.Update(w.n>>10, w.n)
		}
	}
	return n, err
}

func fetchBody(ctx context.Context, client *http.Client, url string, max int64, w *watchdog) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", "chokepoint-lists/1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	w.timer.Reset(w.timeout)
	if resp.StatusCode == http.StatusNotFound {
		return nil, "", fmt.Errorf("%s: %w (HTTP 404)", url, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("%s: HTTP %s", url, resp.Status)
	}
	if resp.ContentLength > max {
		return nil, "", fmt.Errorf("%s: %d bytes, over the %d byte cap", url, resp.ContentLength, max)
	}
	w.r = resp.Body
	if w.bar != nil {
		w.bar.SetSize(resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(w, max+1))
	if err != nil {
		return nil, "", fmt.Errorf("%s: read body: %w", url, err)
	}
	if int64(len(data)) > max {
		return nil, "", fmt.Errorf("%s: over the %d byte cap", url, max)
	}
	if resp.ContentLength >= 0 && int64(len(data)) != resp.ContentLength {
		return nil, "", fmt.Errorf("%s: %w: got %d of %d bytes", url, parse.ErrTruncated, len(data), resp.ContentLength)
	}
	return data, resp.Header.Get("Last-Modified"), nil
}

// Versions returns the stored versions of source, newest first, and the
// current one's name.
func (c *Catalog) Versions(source string) ([]Meta, string, error) {
	if c.root == "" {
		return nil, "", nil
	}
	if _, ok := lookup(source); !ok {
		return nil, "", fmt.Errorf("unknown source %q", source)
	}
	good, _, err := storedVersions(c.root, source)
	if err != nil {
		return nil, "", err
	}
	cur, _ := readCurrent(c.root, source)
	return good, cur, nil
}

// LoadVersion parses one stored version of source, or the bundled one
// when version is "bundle".
func (c *Catalog) LoadVersion(source, version string) (*entity.Dataset, error) {
	src, ok := lookup(source)
	if !ok {
		return nil, fmt.Errorf("unknown source %q", source)
	}
	if version == OriginBundle {
		b, ok := c.manifest[source]
		if !ok {
			return nil, fmt.Errorf("source %s is not bundled", source)
		}
		ds, _, err := loadBundle(src, b)
		return ds, err
	}
	if c.root == "" || !safeName(version) {
		return nil, fmt.Errorf("no stored version %q of %s", version, source)
	}
	dir := filepath.Join(c.root, source, version)
	m, err := readMeta(dir)
	if err != nil {
		return nil, fmt.Errorf("version %s of %s: %w", version, source, err)
	}
	return loadStored(src, dir, m, c.opt.MaxDownload)
}

// fullRecords counts the entities of ds that are not partial records.
func fullRecords(ds *entity.Dataset) int {
	n := 0
	for _, e := range ds.Entities {
		if len(e.Properties["partial_record"]) == 0 {
			n++
		}
	}
	return n
}
