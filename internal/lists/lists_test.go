package lists_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	samples = "data/lists/official-samples/"
	sdnDir  = samples + "ofac-sdn-legacy-csv/"
	consDir = samples + "ofac-consolidated-nonsdn-csv/"
	unFile  = samples + "un-consolidated-xml/consolidated.xml"
	sdn2019 = "data/lists/watchman-testdata/test/testdata/"
	sdn2021 = "data/lists/watchman-testdata/test/testdata/bench/"
)

var (
	sdnUN   = []string{"us_ofac_sdn", "un_sc"}
	sdnOnly = []string{"us_ofac_sdn"}
	unCons  = []string{"un_sc", "us_ofac_cons"}
)

var sdnFiles = []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}

// officialFiles maps each source's logical file names to the real sample
// files they are served from.
var officialFiles = map[string]map[string]string{
	"us_ofac_sdn": {"sdn.csv": sdnDir + "sdn.csv", "add.csv": sdnDir + "add.csv", "alt.csv": sdnDir + "alt.csv", "sdn_comments.csv": sdnDir + "sdn_comments.csv"},
	"us_ofac_cons": {"cons_prim.csv": consDir + "cons_prim.csv", "cons_add.csv": consDir + "cons_add.csv",
		"cons_alt.csv": consDir + "cons_alt.csv", "cons_comments.csv": consDir + "cons_comments.csv"},
	"un_sc":   {"consolidated.xml": unFile},
	"eu_fsf":  {"eu_fsf.xml": samples + "eu-fsf-xml/eu-fsf-excerpt-2026-08-05.xml"},
	"gb_fcdo": {"uk_sanctions_list.xml": samples + "uk-sanctions-list-xml/uk-sanctions-list-excerpt-2026-09-10.xml"},
	"us_csl":  {"consolidated.csv": samples + "us-csl-csv-full/consolidated.csv"},
}

var versionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}\+[0-9a-f]{8}$`)

func open(t testing.TB, dir string, opt lists.Options) *lists.Catalog {
	t.Helper()
	if opt.MaxShrink == 0 {
		opt.MaxShrink = lists.DefaultMaxShrink
	}
	c, err := lists.Open(dir, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return c
}

var (
	bundleOnce sync.Once
	bundleCat  *lists.Catalog
	bundleErr  error
)

// bundled returns one catalog over the bundle only, shared by the tests
// that only read it.
func bundled(t testing.TB) *lists.Catalog {
	t.Helper()
	bundleOnce.Do(func() {
		bundleCat, bundleErr = lists.Open("", lists.Options{MaxShrink: lists.DefaultMaxShrink})
	})
	if bundleErr != nil {
		t.Fatalf("Open: %v", bundleErr)
	}
	return bundleCat
}

func status(t testing.TB, c *lists.Catalog, id string) lists.SourceStatus {
	t.Helper()
	for _, s := range c.Sources() {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no source %s in catalog", id)
	return lists.SourceStatus{}
}

func TestOpenBundle(t *testing.T) {
	t.Parallel()
	c := bundled(t)
	tests := []struct {
		id        string
		published string
		min, max  int
		counts    map[string]int
		note      string
	}{
		{"us_ofac_sdn", "2024-05-03", 16689, 16689, nil, "different dates"},
		{"us_ofac_cons", "2025-12-19", 430, 450, nil, "carry no date"},
		{"un_sc", "2026-02-27", 1003, 1003, map[string]int{"person": 730, "organization": 273}, ""},
		{"eu_fsf", "2026-08-05", 5, 5, nil, "excerpt: 5 records"},
		{"gb_fcdo", "2026-09-10", 5, 5, nil, "excerpt: 5 records"},
		{"us_csl", "2022-05-16", 3625, 3625, nil, "full list of May 2022 (14,160 rows, 2,001 of them Entity List)"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s := status(t, c, tt.id)
			if s.Error != "" {
				t.Fatalf("load error: %s", s.Error)
			}
			if s.Origin != lists.OriginBundle {
				t.Errorf("origin = %q, want %q", s.Origin, lists.OriginBundle)
			}
			if s.Published != tt.published {
				t.Errorf("published = %q, want %q", s.Published, tt.published)
			}
			if !versionRE.MatchString(s.Version) || !strings.HasPrefix(s.Version, tt.published+"+") {
				t.Errorf("version = %q, want %s+<8 hex>", s.Version, tt.published)
			}
			if s.Total < tt.min || s.Total > tt.max {
				t.Errorf("total = %d, want %d..%d", s.Total, tt.min, tt.max)
			}
			for typ, n := range tt.counts {
				if s.Counts[typ] != n {
					t.Errorf("counts[%s] = %d, want %d", typ, s.Counts[typ], n)
				}
			}
			if tt.note != "" && !strings.Contains(strings.Join(s.Notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", s.Notes, tt.note)
			}
			ds, ok := c.Dataset(tt.id)
			if !ok || ds.Version != s.Version || len(ds.Entities) != s.Total {
				t.Errorf("Dataset(%s) does not match its status", tt.id)
			}
			for _, f := range s.Files {
				if len(f.SHA256) != 64 || f.Size == 0 || f.URL == "" || f.Published == "" {
					t.Errorf("file %s: incomplete info %+v", f.Name, f)
				}
			}
		})
	}
	if got := len(c.Datasets()); got != len(tests) {
		t.Errorf("Datasets() = %d datasets, want %d", got, len(tests))
	}
	sdn := status(t, c, "us_ofac_sdn")
	if !strings.Contains(strings.Join(sdn.Notes, "\n"), "not in sdn.csv") {
		t.Errorf("SDN notes do not report orphans: %q", sdn.Notes)
	}
}

// TestBundleMatchesShared checks that every bundled file is byte for byte
// the real sample it was copied from.
func TestBundleMatchesShared(t *testing.T) {
	t.Parallel()
	c := bundled(t)
	for _, s := range c.Sources() {
		for _, f := range s.Files {
			t.Run(s.ID+"/"+f.Name, func(t *testing.T) {
				data := sharedtest.Read(t, officialFiles[s.ID][f.Name])
				if got := sha256Hex(data); got != f.SHA256 {
					t.Errorf("sha256 = %s, shared file has %s", f.SHA256, got)
				}
				if int64(len(data)) != f.Size {
					t.Errorf("size = %d, shared file has %d", f.Size, len(data))
				}
			})
		}
	}
}

func TestEntityMehrabi(t *testing.T) {
	t.Parallel()
	c := bundled(t)
	e, ok := c.Entity("us_ofac_sdn:33596")
	if !ok {
		t.Fatal("us_ofac_sdn:33596 not found")
	}
	if e.Name != "MEHRABI, Abdollah" {
		t.Errorf("name = %q, want MEHRABI, Abdollah", e.Name)
	}
	var dobs []string
	for _, d := range e.BirthDates {
		dobs = append(dobs, d.String())
	}
	if !contains(dobs, "1961-12-22") {
		t.Errorf("birth dates = %v, want 1961-12-22", dobs)
	}
	var ids []string
	for _, id := range e.Identifiers {
		ids = append(ids, id.Number)
	}
	if !contains(ids, "1229632603") {
		t.Errorf("identifiers = %v, want national ID 1229632603", ids)
	}
	if len(e.Programs) == 0 {
		t.Error("no programs")
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// server serves list files at /<source>/<file> with a fixed
// Last-Modified date, and can be changed between requests.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	files   map[string][]byte
	status  map[string]int
	modTime time.Time
}

func newServer(t *testing.T) *server {
	s := &server{files: make(map[string][]byte), status: make(map[string]int), modTime: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		data, ok := s.files[r.URL.Path]
		code := s.status[r.URL.Path]
		mod := s.modTime
		s.mu.Unlock()
		if code != 0 {
			http.Error(w, "broken", code)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, r.URL.Path, mod, strings.NewReader(string(data)))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) set(source, file string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files["/"+source+"/"+file] = data
	delete(s.status, "/"+source+"/"+file)
}

func (s *server) fail(source, file string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status["/"+source+"/"+file] = code
}

// serveSet serves the four SDN files from dir under shared/.
func (s *server) serveSet(t *testing.T, dir string) {
	t.Helper()
	for _, f := range sdnFiles {
		s.set("us_ofac_sdn", f, sharedtest.Read(t, dir+f))
	}
}

func update(t *testing.T, c *lists.Catalog, srv *server, opt lists.UpdateOptions) lists.UpdateResult {
	t.Helper()
	opt.BaseURL = srv.URL
	if opt.Sources == nil {
		opt.Sources = []string{"us_ofac_sdn"}
	}
	res, err := c.Update(context.Background(), opt)
	if err != nil && !errors.Is(err, lists.ErrRefused) {
		t.Fatalf("Update: %v", err)
	}
	if len(res) != len(opt.Sources) {
		t.Fatalf("Update returned %d results, want %d", len(res), len(opt.Sources))
	}
	if (err != nil) != (res[0].Status == lists.StatusRefused) {
		t.Errorf("Update error %v does not agree with status %s", err, res[0].Status)
	}
	return res[0]
}

func TestUpdateAllFromServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := newServer(t)
	for src, files := range officialFiles {
		for name, rel := range files {
			srv.set(src, name, sharedtest.Read(t, rel))
		}
	}
	c := open(t, dir, lists.Options{})
	res, err := c.Update(context.Background(), lists.UpdateOptions{BaseURL: srv.URL})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if len(res) != len(officialFiles) {
		t.Fatalf("got %d results, want %d", len(res), len(officialFiles))
	}
	for _, r := range res {
		// The bundle is these very files, so nothing is stored again.
		if r.Status != lists.StatusUnchanged {
			t.Errorf("%s: status %s (%s), want unchanged", r.Source, r.Status, r.Reason)
		}
		if _, err := os.Stat(filepath.Join(dir, "lists", r.Source)); err == nil {
			t.Errorf("%s: unchanged files were stored", r.Source)
		}
	}
}

func TestUpdateLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := newServer(t)
	c := open(t, dir, lists.Options{Sources: sdnUN})
	bundled := status(t, c, "us_ofac_sdn").Version

	// The 2021 SDN set has 8,976 entries against the bundle's 14,965 full records (partial records do not count in the shrink check).
	srv.serveSet(t, sdn2021)
	r := update(t, c, srv, lists.UpdateOptions{})
	if r.Status != lists.StatusRefused || !strings.Contains(r.Reason, "shrinks by 40.0%") {
		t.Fatalf("2021 set over bundle: %s, want refused for a 40.0%% shrink", r)
	}
	if got := status(t, c, "us_ofac_sdn").Version; got != bundled {
		t.Fatalf("after refusal serving %s, want %s", got, bundled)
	}

	half := 0.5
	r = update(t, c, srv, lists.UpdateOptions{MaxShrink: &half})
	if r.Status != lists.StatusUpdated || r.From != bundled || r.Total != 8976 {
		t.Fatalf("2021 set with --max-shrink 0.5: %s, want updated from %s with 8976 entities", r, bundled)
	}
	good := r.To
	if want := "2026-11-01+"; !strings.HasPrefix(good, want) {
		t.Errorf("version %s: want the Last-Modified date %s", good, want)
	}
	if r.Added == 0 || r.Removed == 0 || r.Changed == 0 {
		t.Errorf("change counts +%d -%d ~%d: want all non-zero", r.Added, r.Removed, r.Changed)
	}
	meta, err := os.ReadFile(filepath.Join(dir, "lists", "us_ofac_sdn", good, "meta.json"))
	if err != nil || !strings.Contains(string(meta), "Last-Modified") {
		t.Errorf("meta.json does not say the date came from Last-Modified: %v", err)
	}

	r = update(t, c, srv, lists.UpdateOptions{})
	if r.Status != lists.StatusUnchanged || r.From != good {
		t.Errorf("second update: %s, want unchanged at %s", r, good)
	}

	un := sharedtest.Read(t, unFile)
	sdn := sharedtest.Read(t, sdn2021+"sdn.csv")
	refusals := []struct {
		name   string
		source string
		file   string
		data   []byte
		code   int
		reason string
	}{
		{"EmptyFile", "us_ofac_sdn", "sdn.csv", nil, 0, "sdn.csv: file is empty"},
		{"WrongFormat", "us_ofac_sdn", "sdn.csv", un, 0, "sdn.csv: content is un-xml, want the OFAC CSV main table"},
		{"WrongTable", "us_ofac_sdn", "sdn.csv", sharedtest.Read(t, sdn2021+"alt.csv"), 0, "content is the OFAC CSV alias table"},
		{"TruncatedCSV", "us_ofac_sdn", "sdn.csv", truncateInQuote(sdn), 0, "file is truncated"},
		{"Shrink", "us_ofac_sdn", "sdn.csv", append(cutLines(t, sdn, 2000), 0x1A), 0, "shrinks by"},
		{"Incomplete2019", "us_ofac_sdn", "sdn.csv", sharedtest.Read(t, sdn2019+"sdn.csv"), 0, "no end-of-file marker (0x1A)"},
		{"ServerError", "us_ofac_sdn", "add.csv", nil, http.StatusInternalServerError, "HTTP 500"},
		{"Missing", "us_ofac_sdn", "alt.csv", nil, http.StatusNotFound, "404"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			srv.serveSet(t, sdn2021)
			if tt.code != 0 {
				srv.fail(tt.source, tt.file, tt.code)
			} else {
				srv.set(tt.source, tt.file, tt.data)
			}
			r := update(t, c, srv, lists.UpdateOptions{Sources: []string{tt.source}})
			if r.Status != lists.StatusRefused || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("got %s, want refused with %q", r, tt.reason)
			}
			if got := status(t, c, tt.source).Version; got != good {
				t.Errorf("serving %s after refusal, want %s", got, good)
			}
		})
	}
	// A restart after all those refusals serves the last good version.
	if got := status(t, open(t, dir, lists.Options{Sources: sdnOnly}), "us_ofac_sdn"); got.Version != good || got.Origin != lists.OriginDataDir {
		t.Errorf("after reopen serving %s from %s, want %s from the data dir", got.Version, got.Origin, good)
	}

	t.Run("TruncatedXML", func(t *testing.T) {
		srv.set("un_sc", "consolidated.xml", un[:len(un)/2])
		r := update(t, c, srv, lists.UpdateOptions{Sources: []string{"un_sc"}})
		if r.Status != lists.StatusRefused || !regexp.MustCompile(`consolidated\.xml:\d+`).MatchString(r.Reason) {
			t.Errorf("got %s, want refused naming consolidated.xml:<line>", r)
		}
		if got := status(t, c, "un_sc"); got.Origin != lists.OriginBundle || got.Total != 1003 {
			t.Errorf("serving %s from %s, want the bundle", got.Version, got.Origin)
		}
	})

	t.Run("ForceShrink", func(t *testing.T) {
		srv.serveSet(t, sdn2021)
		srv.set("us_ofac_sdn", "sdn.csv", append(cutLines(t, sdn, 2000), 0x1A))
		r := update(t, c, srv, lists.UpdateOptions{Force: true})
		if r.Status != lists.StatusUpdated || !strings.Contains(r.Forced, "--force") || r.Total != 8011 {
			t.Fatalf("got %s, want updated with an audit note", r)
		}
		if s := status(t, open(t, dir, lists.Options{Sources: sdnUN}), "us_ofac_sdn"); s.Forced == "" || s.Version != r.To {
			t.Errorf("after reopen: version %s forced %q, want %s with the audit note", s.Version, s.Forced, r.To)
		}
	})
}

// truncateInQuote cuts data just inside the quoted name field of a row
// in the middle, the way an interrupted download ends.
func truncateInQuote(data []byte) []byte {
	cut := len(data) / 2
	for data[cut] != '\n' {
		cut++
	}
	for data[cut] != '"' {
		cut++
	}
	return data[:cut+3]
}

func readShared(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, sharedtest.Path(t, dir+n))
	}
	return paths
}

func TestImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := open(t, dir, lists.Options{Sources: unCons})
	ctx := context.Background()
	other := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(other, []byte("hello, world\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		source  string
		paths   []string
		status  string
		wantErr error
		reason  string
	}{
		{"SameAsBundle", "un_sc", readShared(t, "", unFile), lists.StatusUnchanged, nil, ""},
		{"WrongSource", "us_ofac_sdn", readShared(t, "", unFile), lists.StatusRefused, lists.ErrUnknownFormat, "accepts ofac-csv"},
		{"NotAList", "un_sc", []string{other}, lists.StatusRefused, lists.ErrUnknownFormat, "notes.txt"},
		{"MissingTable", "us_ofac_sdn", readShared(t, sdn2021, "sdn.csv", "alt.csv"), lists.StatusRefused, lists.ErrRefused, "missing add.csv"},
		{"OlderPublication", "us_ofac_cons", readShared(t, samples, "ofac-consolidated-nonsdn-xml-2018/consolidated.xml"), lists.StatusRefused, lists.ErrRefused, "older than the served 2025-12-19"},
		{"CSVSet", "us_ofac_cons", consVariant(t, 1), lists.StatusUpdated, nil, ""},
		{"OlderForced", "us_ofac_cons", readShared(t, samples, "ofac-consolidated-nonsdn-xml-2018/consolidated.xml"), lists.StatusUpdated, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasSuffix(tt.name, "Forced") {
				c = open(t, dir, lists.Options{Force: true, Sources: unCons})
			}
			r, err := c.Import(ctx, tt.source, tt.paths)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if r.Status != tt.status || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("got %s, want %s with %q", r, tt.status, tt.reason)
			}
		})
	}
	s := status(t, open(t, dir, lists.Options{Sources: unCons}), "us_ofac_cons")
	if s.Origin != lists.OriginDataDir || s.Format != lists.FormatOFACXML || s.Forced == "" {
		t.Errorf("after import serving %s %s from %s (forced %q), want the forced classic XML from the data dir", s.Version, s.Format, s.Origin, s.Forced)
	}
	for _, f := range s.Files {
		if !strings.HasSuffix(f.URL, f.Name) || !filepath.IsAbs(f.URL) {
			t.Errorf("file %s: origin %q, want the absolute import path", f.Name, f.URL)
		}
	}
}

// consVariant writes the real consolidated CSV set with the last drop
// entries of cons_prim.csv removed, a real file with a small real change,
// and returns the paths to import.
func consVariant(t *testing.T, drop int) []string {
	t.Helper()
	prim := sharedtest.Read(t, consDir+"cons_prim.csv")
	lines := strings.SplitAfter(string(prim), "\r\n")
	body := strings.Join(lines[:len(lines)-1-drop], "") + "\x1a"
	p := filepath.Join(t.TempDir(), "cons_prim.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return append([]string{p}, readShared(t, consDir, "cons_add.csv", "cons_alt.csv", "cons_comments.csv")...)
}

func TestCorruptedVersionFallsBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	cons := lists.Options{Sources: []string{"us_ofac_cons"}}
	c := open(t, dir, cons)
	first, err := c.Import(ctx, "us_ofac_cons", consVariant(t, 2))
	if err != nil {
		t.Fatalf("import first: %v", err)
	}
	second, err := c.Import(ctx, "us_ofac_cons", consVariant(t, 1))
	if err != nil {
		t.Fatalf("import second: %v", err)
	}
	root := filepath.Join(dir, "lists", "us_ofac_cons")
	steps := []struct {
		name    string
		corrupt func(t *testing.T)
		version string
		origin  string
		warning string
	}{
		{"Intact", func(*testing.T) {}, second.To, lists.OriginDataDir, ""},
		{"CurrentFileCorrupted", func(t *testing.T) {
			f, err := os.OpenFile(filepath.Join(root, second.To, "cons_prim.csv"), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteAt([]byte("garbage"), 1000)
			f.Close()
		}, first.To, lists.OriginDataDir, "file corrupted"},
		{"PreviousMetaCorrupted", func(t *testing.T) {
			os.WriteFile(filepath.Join(root, first.To, "meta.json"), []byte("{not json"), 0o644)
		}, "", lists.OriginBundle, "unreadable"},
		{"PointerGarbage", func(t *testing.T) {
			os.WriteFile(filepath.Join(root, "current"), []byte("../../etc\n"), 0o644)
		}, "", lists.OriginBundle, "bad version"},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			tt.corrupt(t)
			s := status(t, open(t, dir, cons), "us_ofac_cons")
			if s.Origin != tt.origin || tt.version != "" && s.Version != tt.version {
				t.Errorf("serving %s from %s, want %s from %s", s.Version, s.Origin, tt.version, tt.origin)
			}
			if s.Total == 0 {
				t.Error("serving nothing")
			}
			if w := strings.Join(s.Warnings, "\n"); !strings.Contains(w, tt.warning) {
				t.Errorf("warnings %q lack %q", w, tt.warning)
			}
		})
	}
}

func TestKeepsLastVersions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	cons := lists.Options{Sources: []string{"us_ofac_cons"}}
	var versions []string
	for i := range 7 {
		r, err := open(t, dir, cons).Import(ctx, "us_ofac_cons", consVariant(t, i))
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		versions = append(versions, r.To)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "lists", "us_ofac_cons"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, e := range entries {
		if e.IsDir() {
			kept = append(kept, e.Name())
		}
	}
	if len(kept) != lists.DefaultKeep {
		t.Errorf("kept %d versions %v, want %d", len(kept), kept, lists.DefaultKeep)
	}
	for _, v := range versions[len(versions)-lists.DefaultKeep:] {
		if !contains(kept, v) {
			t.Errorf("version %s was pruned, want the newest %d kept", v, lists.DefaultKeep)
		}
	}
	c := open(t, dir, cons)
	last := versions[len(versions)-1]
	if got := status(t, c, "us_ofac_cons").Version; got != last {
		t.Errorf("serving %s, want %s", got, last)
	}
	vs, cur, err := c.Versions("us_ofac_cons")
	if err != nil || cur != last || len(vs) != lists.DefaultKeep {
		t.Errorf("Versions = %d versions, current %s, %v; want %d, %s", len(vs), cur, err, lists.DefaultKeep, last)
	}
}

func TestImportFTM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	c := open(t, dir, lists.Options{Sources: []string{"un_sc"}})
	path := sharedtest.Path(t, "data/lists/opensanctions-fixtures/yente/t1/entities.ftm.json")
	if _, err := c.Import(ctx, "opensanctions", []string{path}); err == nil {
		t.Error("import under a non-ftm_ id was accepted")
	}
	if _, err := c.Import(ctx, "ftm_t1", readShared(t, "", unFile)); !errors.Is(err, lists.ErrUnknownFormat) {
		t.Errorf("UN XML as ftm_t1: %v, want ErrUnknownFormat", err)
	}
	r, err := c.Import(ctx, "ftm_t1", []string{path})
	if err != nil || r.Status != lists.StatusUpdated || r.Total == 0 {
		t.Fatalf("import ftm_t1: %s, %v; want updated", r, err)
	}
	// A restart finds the imported source; it is never bundled.
	s := status(t, open(t, dir, lists.Options{}), "ftm_t1")
	if s.Origin != lists.OriginDataDir || s.Total != r.Total || s.Version != r.To {
		t.Errorf("after reopen: %s %d from %s, want %s %d from the data dir", s.Version, s.Total, s.Origin, r.To, r.Total)
	}
}

func TestOpenMemory(t *testing.T) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start, cpu0 := time.Now(), cpuTime()
	c := open(t, "", lists.Options{})
	took, cpu := time.Since(start), cpuTime()-cpu0
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	n := 0
	for _, ds := range c.Datasets() {
		n += len(ds.Entities)
	}
	if n < 16000 {
		t.Errorf("bundle holds %d entities, want over 16,000", n)
	}
	// CPU time is reported beside wall time because a busy machine
	// stretches the latter.
	t.Logf("bundle: %d entities in %v wall, %v CPU; live heap %.1f MB after GC; %s", n, took.Round(time.Millisecond), cpu.Round(time.Millisecond),
		float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), rss())
	runtime.KeepAlive(c)
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "RSS unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return "RSS " + strings.Join(strings.Fields(strings.TrimPrefix(l, "VmRSS:")), " ")
		}
	}
	return "RSS unknown"
}

func BenchmarkOpenBundle(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lists.Open("", lists.Options{MaxShrink: lists.DefaultMaxShrink}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestURLVar(t *testing.T) {
	tests := []struct{ source, file, want string }{
		{"us_ofac_sdn", "sdn.csv", "CHOKEPOINT_URL_US_OFAC_SDN_SDN_CSV"},
		{"un_sc", "consolidated.xml", "CHOKEPOINT_URL_UN_SC_CONSOLIDATED_XML"},
	}
	for _, tt := range tests {
		if got := lists.URLVar(tt.source, tt.file); got != tt.want {
			t.Errorf("URLVar(%s, %s) = %s, want %s", tt.source, tt.file, got, tt.want)
		}
	}
}

func TestURLOverride(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.set("mirror", "un.xml", sharedtest.Read(t, unFile))
	c := open(t, t.TempDir(), lists.Options{Sources: []string{"un_sc"}, URLs: map[string]string{
		lists.URLVar("un_sc", "consolidated.xml"): srv.URL + "/mirror/un.xml",
	}})
	res, err := c.Update(context.Background(), lists.UpdateOptions{Sources: []string{"un_sc"}})
	if err != nil || res[0].Status != lists.StatusUnchanged {
		t.Fatalf("update through the override: %v %v, want unchanged", res, err)
	}
	if got := res[0].Files[0].URL; got != srv.URL+"/mirror/un.xml" {
		t.Errorf("fetched from %s, want the override", got)
	}
}

func TestUpdateNeedsDataDir(t *testing.T) {
	t.Parallel()
	c := open(t, "", lists.Options{Sources: []string{"un_sc"}})
	if _, err := c.Update(context.Background(), lists.UpdateOptions{}); !errors.Is(err, lists.ErrNoDataDir) {
		t.Errorf("Update without a data dir: %v, want ErrNoDataDir", err)
	}
	if _, err := c.Import(context.Background(), "un_sc", []string{"x"}); !errors.Is(err, lists.ErrNoDataDir) {
		t.Errorf("Import without a data dir: %v, want ErrNoDataDir", err)
	}
}

func TestUpdateCancelled(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.serveSet(t, sdn2021)
	c := open(t, t.TempDir(), lists.Options{Sources: []string{"un_sc"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := c.Update(ctx, lists.UpdateOptions{BaseURL: srv.URL, Sources: []string{"un_sc"}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	for _, r := range res {
		if r.Status == lists.StatusUpdated {
			t.Errorf("%s updated despite cancellation", r.Source)
		}
	}
}

func sha256Hex(b []byte) string {
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// TestConcurrentImports runs two catalogs (two processes, as far as the
// store can tell) importing into one data dir while readers keep asking
// for datasets; every version must end complete and loadable.
func TestConcurrentImports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cons := lists.Options{Sources: []string{"us_ofac_cons"}}
	// The variants are made here, not in the goroutines: reading the
	// shared files may skip the test, and only the test's own goroutine
	// can do that.
	var variants [2][2][]string
	for i := range 2 {
		for j := range 2 {
			variants[i][j] = consVariant(t, 1+2*j+i)
		}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 2 {
		c := open(t, dir, cons)
		wg.Go(func() {
			for j := range 2 {
				if _, err := c.Import(context.Background(), "us_ofac_cons", variants[i][j]); err != nil {
					t.Errorf("import %d/%d: %v", i, j, err)
				}
			}
		})
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
					if len(c.Datasets()) != 1 || c.Sources()[0].Total == 0 {
						t.Error("a reader saw no dataset during an import")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	c := open(t, dir, cons)
	vs, cur, err := c.Versions("us_ofac_cons")
	if err != nil || cur == "" {
		t.Fatalf("Versions: %v, current %q", err, cur)
	}
	for _, m := range vs {
		if _, err := c.LoadVersion("us_ofac_cons", m.Version); err != nil {
			t.Errorf("version %s does not load: %v", m.Version, err)
		}
	}
	if s := status(t, c, "us_ofac_cons"); s.Version != cur || s.Origin != lists.OriginDataDir {
		t.Errorf("serving %s from %s, want current %s", s.Version, s.Origin, cur)
	}
}

func TestDownloadCap(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.set("un_sc", "consolidated.xml", sharedtest.Read(t, unFile))
	c := open(t, t.TempDir(), lists.Options{Sources: []string{"un_sc"}, MaxDownload: 1 << 20})
	r := update(t, c, srv, lists.UpdateOptions{Sources: []string{"un_sc"}})
	if r.Status != lists.StatusRefused || !strings.Contains(r.Reason, "cap") {
		t.Errorf("got %s, want refused over the size cap", r)
	}
}
