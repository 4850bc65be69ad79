// Package goods reads the commodity codes of order lines and says which
// export-control lists they are on: the Common High Priority List (CHPL,
// guidance) and EAR Supplement No. 7 to Part 746 (law), plus the component
// kinds the June 2023 UAV guidance names, matched by keyword and part family.
//
// It sits beside screening in the data flow (sources -> entities -> index ->
// screening -> decisions -> store): the orders package asks it about each
// line when it builds a decision. The lists are embedded from data/, whose
// PROVENANCE.md says where each file came from.
package goods

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

//go:embed data/chpl.csv data/ear-746-supp7.csv data/components.csv
var dataFS embed.FS

// Code is a commodity code read from an order: an HS, HTS, Schedule B or
// CN code of 6 to 10 digits.
type Code struct {
	// Raw is the code as given.
	Raw string `json:"raw"`
	// Digits is the code with punctuation and spaces removed.
	Digits string `json:"digits"`
	// HS6 is the first six digits, the internationally shared level every
	// list matches on.
	HS6 string `json:"hs6"`
}

// ErrMalformedCode is wrapped by every ParseCode failure.
var ErrMalformedCode = errors.New("malformed commodity code")

// ParseCode reads a commodity code written with any mix of digits, dots,
// spaces, hyphens and slashes ("8542.31.0000", "854231", "8542 31").
// Letters, other characters, fewer than 6 or more than 10 digits, and HS
// chapters that do not exist (00, 77) are errors: a code that cannot be read
// must be reported, never guessed.
func ParseCode(s string) (Code, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Code{}, fmt.Errorf("%w: empty", ErrMalformedCode)
	}
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == ' ' || r == '-' || r == '/' || r == '\t':
		default:
			return Code{}, fmt.Errorf("%w: %q contains %q; want 6 to 10 digits with optional dots or spaces", ErrMalformedCode, raw, r)
		}
	}
	d := b.String()
	if len(d) < 6 || len(d) > 10 {
		return Code{}, fmt.Errorf("%w: %q has %d digits; want 6 to 10 (HS-6 or a national extension)", ErrMalformedCode, raw, len(d))
	}
	if ch := d[:2]; ch == "00" || ch == "77" {
		return Code{}, fmt.Errorf("%w: %q: HS chapter %s does not exist", ErrMalformedCode, raw, ch)
	}
	return Code{Raw: raw, Digits: d, HS6: d[:6]}, nil
}

// Entry is one HS-6 code on a list.
type Entry struct {
	HS6 string `json:"hs6"`
	// Tier is the CHPL tier (1, 2, 3.A, 3.B, 4.A, 4.B); empty for Supp. 7.
	Tier        string `json:"tier,omitempty"`
	Description string `json:"description"`
	SourceURL   string `json:"source_url"`
	// VersionDate is the date of the list version the entry comes from.
	VersionDate string `json:"version_date"`
}

// List is one HS-6 code list.
type List struct {
	// Name is the short name used in findings ("CHPL", "EAR Supp. 7 to Part 746").
	Name string
	// Version is the list's version date (the newest entry date).
	Version string
	// SourceURL is the official page of the list.
	SourceURL string
	entries   map[string]Entry
}

// Lookup returns the list entry for an HS-6 code.
func (l *List) Lookup(hs6 string) (Entry, bool) {
	e, ok := l.entries[hs6]
	return e, ok
}

// Len returns the number of codes on the list.
func (l *List) Len() int { return len(l.entries) }

// Codes returns the list's HS-6 codes in order.
func (l *List) Codes() []string {
	out := make([]string, 0, len(l.entries))
	for c := range l.entries {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// The list names used in findings.
const (
	CHPLName  = "CHPL"
	Supp7Name = "EAR Supp. 7 to Part 746"
)

var validTiers = map[string]bool{"1": true, "2": true, "3.A": true, "3.B": true, "4.A": true, "4.B": true}

// LoadList reads a list in the layout of the shared reference files: a
// header row naming hs6, description, source_url and version_date, and for
// the CHPL a tier column. file names the input in errors.
func LoadList(r io.Reader, file, name string) (*List, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &parse.Error{File: file, Line: 1, Err: fmt.Errorf("read header: %w", err)}
	}
	col := make(map[string]int)
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"hs6", "description", "source_url", "version_date"} {
		if _, ok := col[need]; !ok {
			return nil, &parse.Error{File: file, Line: 1, Field: need, Err: errors.New("missing column")}
		}
	}
	tierCol, hasTier := col["tier"]
	l := &List{Name: name, entries: make(map[string]Entry)}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := csvLine(cr, err)
		if err != nil {
			return nil, &parse.Error{File: file, Line: line, Err: err}
		}
		if len(rec) != len(header) {
			return nil, &parse.Error{File: file, Line: line, Err: fmt.Errorf("%d fields, header has %d", len(rec), len(header))}
		}
		e := Entry{
			HS6:         strings.TrimSpace(rec[col["hs6"]]),
			Description: strings.TrimSpace(rec[col["description"]]),
			SourceURL:   strings.TrimSpace(rec[col["source_url"]]),
			VersionDate: strings.TrimSpace(rec[col["version_date"]]),
		}
		c, err := ParseCode(e.HS6)
		if err != nil || c.Digits != e.HS6 || len(e.HS6) != 6 {
			return nil, &parse.Error{File: file, Line: line, Field: "hs6", Err: fmt.Errorf("want exactly 6 digits, got %q", e.HS6)}
		}
		if hasTier {
			e.Tier = strings.TrimSpace(rec[tierCol])
			if !validTiers[e.Tier] {
				return nil, &parse.Error{File: file, Line: line, Field: "tier", Err: fmt.Errorf("unknown tier %q", e.Tier)}
			}
		}
		if e.VersionDate == "" {
			return nil, &parse.Error{File: file, Line: line, Field: "version_date", Err: errors.New("empty")}
		}
		if _, dup := l.entries[e.HS6]; dup {
			return nil, &parse.Error{File: file, Line: line, Field: "hs6", Err: fmt.Errorf("code %s listed twice", e.HS6)}
		}
		l.entries[e.HS6] = e
		if e.VersionDate > l.Version {
			l.Version = e.VersionDate
		}
		if l.SourceURL == "" {
			l.SourceURL = e.SourceURL
		}
	}
	if len(l.entries) == 0 {
		return nil, &parse.Error{File: file, Err: errors.New("no codes")}
	}
	return l, nil
}

var (
	loadOnce          sync.Once
	chpl, supp7       *List
	components        *Matcher
	errEmbedded       error
	embeddedFileNames = [...]string{"data/chpl.csv", "data/ear-746-supp7.csv", "data/components.csv"}
)

func loadEmbedded() {
	open := func(name string) io.Reader {
		f, err := dataFS.Open(name)
		if err != nil {
			panic(err) // embedded at build time; absence is a build defect
		}
		return f
	}
	var err error
	if chpl, err = LoadList(open(embeddedFileNames[0]), embeddedFileNames[0], CHPLName); err != nil {
		errEmbedded = err
		return
	}
	if supp7, err = LoadList(open(embeddedFileNames[1]), embeddedFileNames[1], Supp7Name); err != nil {
		errEmbedded = err
		return
	}
	components, errEmbedded = LoadComponents(open(embeddedFileNames[2]), embeddedFileNames[2])
}

func mustLoad() {
	loadOnce.Do(loadEmbedded)
	if errEmbedded != nil {
		// The embedded files are tested; a bad one is a programmer error.
		panic(fmt.Sprintf("goods: embedded data: %v", errEmbedded))
	}
}

// CHPL returns the embedded Common High Priority List.
func CHPL() *List { mustLoad(); return chpl }

// Supp7 returns the embedded EAR Supplement No. 7 to Part 746 list.
func Supp7() *List { mustLoad(); return supp7 }

// Components returns the matcher over the embedded component keywords and
// part families.
func Components() *Matcher { mustLoad(); return components }
