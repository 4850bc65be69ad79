// Package route knows the places an order can pass through that matter for
// diversion risk: comprehensively embargoed countries, the occupied regions
// of Ukraine, the transshipment jurisdictions of the US red-flag alerts and
// the Caspian Sea ports of Iran and Russia.
//
// It sits beside screening in the data flow (sources -> entities -> index ->
// screening -> decisions -> store): the orders package asks it about each
// country, port and address of an order. The facts live in reviewable CSV
// files under data/, each row with its source and trust tag (V, R, B), and
// are embedded at build time.
package route

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

//go:embed data/*.csv
var dataFS embed.FS

// Country categories.
const (
	Embargoed     = "embargoed"
	Transshipment = "transshipment"
)

// Fact is one country's place in the route data, with its source.
type Fact struct {
	Code      string `json:"code"`
	Category  string `json:"category"`
	Name      string `json:"name"`
	Tag       string `json:"tag"`
	Source    string `json:"source"`
	SourceURL string `json:"source_url"`
	Note      string `json:"note,omitempty"`
}

// Region is an occupied region of Ukraine, found by one of its names.
type Region struct {
	// Name is the name that was found ("Sevastopol").
	Name string `json:"name"`
	// Region is the region it belongs to ("Crimea").
	Region string `json:"region"`
	// Kind is "region", "city" or "port".
	Kind string `json:"kind"`
	// Partial is true when the named area is only partly occupied, so the
	// exact address decides.
	Partial   bool   `json:"partial"`
	Tag       string `json:"tag"`
	Source    string `json:"source"`
	SourceURL string `json:"source_url"`
}

// Port is a sea port, found by UN/LOCODE or name.
type Port struct {
	// LOCODE is the five-character UN/LOCODE without a space, or "" for a
	// port that has none.
	LOCODE  string `json:"locode,omitempty"`
	Name    string `json:"name"`
	Country string `json:"country"`
	// Sea is "caspian", "black_sea" and so on.
	Sea    string `json:"sea,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Source string `json:"source,omitempty"`
	Note   string `json:"note,omitempty"`
	// Known is false for a LOCODE that is not in the data: only its country
	// (the first two letters) is known.
	Known bool `json:"known"`
	// Alternatives are the LOCODEs of other ports with the same name.
	Alternatives []string `json:"alternatives,omitempty"`
}

// CaspianIRRU reports whether p is a Caspian Sea port of Iran or Russia,
// the route the Iranian drones and munitions take to Russia (domain.md 4.1).
func (p Port) CaspianIRRU() bool {
	return p.Sea == "caspian" && (p.Country == "IR" || p.Country == "RU")
}

// Data is the loaded route data. It is read-only and safe for concurrent use.
type Data struct {
	countries map[string]Fact
	regions   []regionEntry
	byCode    map[string]*Port
	byName    map[string][]*Port
	names     []string // keys of byName, for fuzzy lookup
	written   []string // port names and variants as written, for PortNames
}

type regionEntry struct {
	Region
	norm string
}

// Country returns the fact recorded for an ISO alpha-2 code.
func (d *Data) Country(code string) (Fact, bool) {
	f, ok := d.countries[strings.ToUpper(code)]
	return f, ok
}

// Embargoed returns the fact for a comprehensively embargoed country.
func (d *Data) Embargoed(code string) (Fact, bool) {
	f, ok := d.Country(code)
	return f, ok && f.Category == Embargoed
}

// Transshipment returns the fact for a transshipment jurisdiction.
func (d *Data) Transshipment(code string) (Fact, bool) {
	f, ok := d.Country(code)
	return f, ok && f.Category == Transshipment
}

// OccupiedRegion finds the first name of an occupied region of Ukraine in
// free text (an address, a city, a port name), on word boundaries and
// ignoring case and diacritics.
func (d *Data) OccupiedRegion(text string) (Region, bool) {
	if text == "" {
		return Region{}, false
	}
	t := " " + normWords(text) + " "
	for _, r := range d.regions {
		if strings.Contains(t, " "+r.norm+" ") {
			return r.Region, true
		}
	}
	return Region{}, false
}

// Port finds a port by UN/LOCODE ("IRBAZ", "IR BAZ") or by name ("Bandar-e
// Anzali", "bandar anzali", "Mahachkala"), ignoring case, diacritics,
// punctuation and words such as "port" and "bandar", and allowing a small
// spelling difference in longer names. A well-formed LOCODE that is not in
// the data is returned with Known false and its country, when the first two
// letters are a country code and the text was written in capitals.
func (d *Data) Port(s string) (Port, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Port{}, false
	}
	code := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if p, ok := d.byCode[code]; ok {
		return *p, true
	}
	if k := portKey(s); k != "" {
		if ps, ok := d.byName[k]; ok {
			return withAlternatives(ps), true
		}
	}
	if looksLikeLOCODE(s) {
		if c := country.Code(code[:2]); c != "" && c == code[:2] {
			return Port{LOCODE: code, Name: s, Country: c}, true
		}
	}
	if k := portKey(s); len(k) >= 5 {
		best, bestDist := "", 3
		for _, n := range d.names {
			max := 1
			if len(k) >= 9 {
				max = 2
			}
			if dist := levenshtein(k, n, max); dist <= max && dist < bestDist {
				best, bestDist = n, dist
			}
		}
		if best != "" {
			return withAlternatives(d.byName[best]), true
		}
	}
	return Port{}, false
}

func withAlternatives(ps []*Port) Port {
	p := *ps[0]
	for _, o := range ps[1:] {
		if o.LOCODE != "" {
			p.Alternatives = append(p.Alternatives, o.LOCODE)
		}
	}
	return p
}

// looksLikeLOCODE reports whether s is written as a UN/LOCODE: two capital
// letters, an optional space, three capitals or digits 2-9.
func looksLikeLOCODE(s string) bool {
	s = strings.Replace(s, " ", "", 1)
	if len(s) != 5 {
		return false
	}
	for i := 0; i < 5; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
		case i >= 2 && c >= '2' && c <= '9':
		default:
			return false
		}
	}
	return true
}

var (
	once    sync.Once
	defData *Data
	defErr  error
)

// Default returns the embedded route data.
func Default() *Data {
	once.Do(func() {
		sub, err := fs.Sub(dataFS, "data")
		if err != nil {
			defErr = err
			return
		}
		defData, defErr = Load(sub)
	})
	if defErr != nil {
		// The embedded files are tested; a bad one is a programmer error.
		panic(fmt.Sprintf("route: embedded data: %v", defErr))
	}
	return defData
}

// Load reads countries.csv, regions.csv and ports.csv from fsys.
func Load(fsys fs.FS) (*Data, error) {
	d := &Data{countries: make(map[string]Fact), byCode: make(map[string]*Port), byName: make(map[string][]*Port)}
	steps := []struct {
		file string
		cols []string
		row  func(rec []string) (string, error)
	}{
		{"countries.csv", []string{"code", "category", "name", "tag", "source", "source_url", "note"}, d.addCountry},
		{"regions.csv", []string{"name", "region", "kind", "partial", "tag", "source", "source_url"}, d.addRegion},
		{"ports.csv", []string{"locode", "name", "variants", "country", "sea", "tag", "source", "note"}, d.addPort},
	}
	for _, s := range steps {
		f, err := fsys.Open(s.file)
		if err != nil {
			return nil, fmt.Errorf("open route data: %w", err)
		}
		err = readCSV(f, s.file, s.cols, s.row)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	for k := range d.byName {
		d.names = append(d.names, k)
	}
	return d, nil
}

func readCSV(r io.Reader, file string, cols []string, row func([]string) (string, error)) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(cols)
	header, err := cr.Read()
	if err != nil {
		return &parse.Error{File: file, Line: 1, Err: fmt.Errorf("read header: %w", err)}
	}
	if strings.Join(header, ",") != strings.Join(cols, ",") {
		return &parse.Error{File: file, Line: 1, Err: fmt.Errorf("header %q, want %q", strings.Join(header, ","), strings.Join(cols, ","))}
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := csvLine(cr, err)
		if err != nil {
			return &parse.Error{File: file, Line: line, Err: err}
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if field, err := row(rec); err != nil {
			return &parse.Error{File: file, Line: line, Field: field, Err: err}
		}
		n++
	}
	if n == 0 {
		return &parse.Error{File: file, Err: errors.New("no rows")}
	}
	return nil
}

func checkTag(tag string) error {
	switch tag {
	case "V", "R", "B":
		return nil
	}
	return fmt.Errorf("tag %q, want V, R or B", tag)
}

func (d *Data) addCountry(rec []string) (string, error) {
	f := Fact{Code: rec[0], Category: rec[1], Name: rec[2], Tag: rec[3], Source: rec[4], SourceURL: rec[5], Note: rec[6]}
	if country.Code(f.Code) != f.Code {
		return "code", fmt.Errorf("%q is not an ISO alpha-2 country code", f.Code)
	}
	if f.Category != Embargoed && f.Category != Transshipment {
		return "category", fmt.Errorf("%q, want %s or %s", f.Category, Embargoed, Transshipment)
	}
	if err := checkTag(f.Tag); err != nil {
		return "tag", err
	}
	if f.Source == "" || f.SourceURL == "" {
		return "source", errors.New("source and source_url are required")
	}
	if _, dup := d.countries[f.Code]; dup {
		return "code", fmt.Errorf("%s listed twice", f.Code)
	}
	d.countries[f.Code] = f
	return "", nil
}

func (d *Data) addRegion(rec []string) (string, error) {
	r := Region{Name: rec[0], Region: rec[1], Kind: rec[2], Tag: rec[4], Source: rec[5], SourceURL: rec[6]}
	switch rec[3] {
	case "yes":
		r.Partial = true
	case "no":
	default:
		return "partial", fmt.Errorf("%q, want yes or no", rec[3])
	}
	switch r.Kind {
	case "region", "city", "port":
	default:
		return "kind", fmt.Errorf("%q, want region, city or port", r.Kind)
	}
	if err := checkTag(r.Tag); err != nil {
		return "tag", err
	}
	n := normWords(r.Name)
	if n == "" || r.Region == "" || r.Source == "" {
		return "name", errors.New("name, region and source are required")
	}
	d.regions = append(d.regions, regionEntry{r, n})
	return "", nil
}

func (d *Data) addPort(rec []string) (string, error) {
	p := &Port{LOCODE: strings.ReplaceAll(rec[0], " ", ""), Name: rec[1], Country: rec[3], Sea: rec[4], Tag: rec[5], Source: rec[6], Note: rec[7], Known: true}
	if p.LOCODE != "" {
		if !looksLikeLOCODE(p.LOCODE) || p.LOCODE[:2] != p.Country {
			return "locode", fmt.Errorf("%q is not a UN/LOCODE of country %s", rec[0], p.Country)
		}
		if _, dup := d.byCode[p.LOCODE]; dup {
			return "locode", fmt.Errorf("%s listed twice", p.LOCODE)
		}
		d.byCode[p.LOCODE] = p
	}
	if country.Code(p.Country) != p.Country {
		return "country", fmt.Errorf("%q is not an ISO alpha-2 country code", p.Country)
	}
	if err := checkTag(p.Tag); err != nil {
		return "tag", err
	}
	if p.Name == "" || p.Source == "" {
		return "name", errors.New("name and source are required")
	}
	names := []string{p.Name}
	if rec[2] != "" {
		names = append(names, strings.Split(rec[2], "|")...)
	}
	for _, n := range names {
		d.written = append(d.written, n)
		k := portKey(n)
		if k == "" {
			return "variants", fmt.Errorf("name %q has no letters", n)
		}
		if ps := d.byName[k]; len(ps) == 0 || ps[len(ps)-1] != p {
			d.byName[k] = append(ps, p)
		}
	}
	return "", nil
}

// portNoise are words that do not tell ports apart.
var portNoise = map[string]bool{"port": true, "of": true, "the": true, "sea": true, "seaport": true, "bandar": true, "bandare": true, "e": true, "pt": true, "commercial": true, "harbour": true, "harbor": true}

// portKey reduces a port name to its distinctive letters: lower case, no
// diacritics, punctuation or noise words, no spaces ("Bandar-e Anzali" and
// "Anzali" both give "anzali"; "Amir Abad" gives "amirabad").
func portKey(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(normWords(s)) {
		if !portNoise[w] {
			b.WriteString(w)
		}
	}
	return b.String()
}

// normWords lower-cases s, removes diacritics and reduces it to words of
// letters and digits separated by single spaces.
func normWords(s string) string {
	var b strings.Builder
	space := true
	for _, r := range norm.NFD.String(s) {
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
	return strings.TrimSpace(b.String())
}

// levenshtein returns the edit distance of a and b, or max+1 once it is
// sure to exceed max.
func levenshtein(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// PortNames returns every port name and variant as the data writes it, in
// file order, for callers that build their own index (the free-text
// scanner); Port resolves each one.
func (d *Data) PortNames() []string { return slices.Clone(d.written) }

// RegionNames returns every name of an occupied region, city or port as
// the data writes it, in file order; OccupiedRegion resolves each one.
func (d *Data) RegionNames() []string {
	out := make([]string, len(d.regions))
	for i, r := range d.regions {
		out[i] = r.Name
	}
	return out
}
