package goods

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Component is one keyword or part family of a component kind.
type Component struct {
	// Kind is the component kind ("processor", "gnss", "imu"...).
	Kind string `json:"kind"`
	// Match is "word" or "prefix".
	Match   string   `json:"match"`
	Pattern string   `json:"pattern"`
	HS6     []string `json:"hs6"`
	// Source is "uav-guidance-2023" for kinds the guidance names and
	// "product" for families Chokepoint added.
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`

	norm  string // word: normalised phrase; prefix: upper-case pattern
	pad   string // word: " " + norm
	strip string // prefix: pattern without separators
	digit bool   // prefix: the stripped pattern holds a digit
}

// Hit is one component pattern found in an order line.
type Hit struct {
	Component
	// Field is "description", "part_number" or "manufacturer".
	Field string `json:"field"`
	// Text is the word or part number that matched.
	Text string `json:"text"`
}

// Matcher finds component kinds in line descriptions and part numbers.
type Matcher struct {
	comps []Component
	// byWord indexes word patterns by their first word, so a line is
	// compared only with the patterns whose first word it contains.
	byWord map[string][]int
	prefix []int
	// noIndex compares every pattern, for tests of the index.
	noIndex bool
}

// Len returns the number of patterns.
func (m *Matcher) Len() int { return len(m.comps) }

// LoadComponents reads a components file (columns kind, match, pattern,
// hs6, source, note; see data/PROVENANCE.md).
func LoadComponents(r io.Reader, file string) (*Matcher, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, &parse.Error{File: file, Line: 1, Err: fmt.Errorf("read header: %w", err)}
	}
	want := []string{"kind", "match", "pattern", "hs6", "source", "note"}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, &parse.Error{File: file, Line: 1, Err: fmt.Errorf("header %q, want %q", strings.Join(header, ","), strings.Join(want, ","))}
	}
	m := &Matcher{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line := csvLine(cr, err)
		if err != nil {
			return nil, &parse.Error{File: file, Line: line, Err: err}
		}
		c := Component{Kind: rec[0], Match: rec[1], Pattern: rec[2], Source: rec[4], Note: rec[5]}
		bad := func(field, format string, args ...any) error {
			return &parse.Error{File: file, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
		}
		if c.Kind == "" {
			return nil, bad("kind", "empty")
		}
		if c.Source == "" {
			return nil, bad("source", "empty")
		}
		switch c.Match {
		case "word":
			c.norm = normWords(c.Pattern)
			c.pad = " " + c.norm
			if c.norm == "" {
				return nil, bad("pattern", "no letters or digits in %q", c.Pattern)
			}
		case "prefix":
			c.norm = strings.ToUpper(strings.TrimSpace(c.Pattern))
			c.strip = stripSep(c.norm)
			if len(c.strip) < 2 {
				return nil, bad("pattern", "prefix %q is too short", c.Pattern)
			}
			c.digit = strings.ContainsAny(c.strip, "0123456789")
		default:
			return nil, bad("match", "%q, want word or prefix", c.Match)
		}
		for _, h := range strings.Split(rec[3], "|") {
			code, err := ParseCode(h)
			if err != nil || len(code.Digits) != 6 {
				return nil, bad("hs6", "want 6-digit codes separated by |, got %q", rec[3])
			}
			c.HS6 = append(c.HS6, code.HS6)
		}
		m.comps = append(m.comps, c)
	}
	if len(m.comps) == 0 {
		return nil, &parse.Error{File: file, Err: errors.New("no components")}
	}
	m.byWord = make(map[string][]int)
	for i, c := range m.comps {
		if c.Match == "prefix" {
			m.prefix = append(m.prefix, i)
			continue
		}
		first, _, _ := strings.Cut(c.norm, " ")
		m.byWord[first] = append(m.byWord[first], i)
	}
	return m, nil
}

// Match returns the component kinds found in a line, at most one hit per
// kind (the first pattern in file order), in file order. Word patterns match
// whole words of the description, manufacturer or part number, ignoring case
// and punctuation; prefix patterns match the start of the part number or of
// any word of the description.
func (m *Matcher) Match(description, partNumber, manufacturer string) []Hit {
	var t lineText
	if description != "" {
		t.desc = " " + normWords(description) + " "
		for _, tok := range strings.FieldsFunc(strings.ToUpper(description), func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(",;()[]/:\"'", r)
		}) {
			t.tokens = append(t.tokens, token{tok, stripSep(tok)})
		}
	}
	if manufacturer != "" {
		t.mfr = " " + normWords(manufacturer) + " "
	}
	if partNumber != "" {
		pn := strings.ToUpper(strings.Join(strings.Fields(partNumber), ""))
		t.pn = token{pn, stripSep(pn)}
		t.pnWords = " " + normWords(partNumber) + " "
	}
	cand := make([]bool, len(m.comps))
	for _, i := range m.prefix {
		cand[i] = true
	}
	if m.noIndex {
		for i := range cand {
			cand[i] = true
		}
	}
	for _, text := range []string{t.desc, t.pnWords, t.mfr} {
		for _, w := range strings.Fields(text) {
			for _, i := range m.byWord[w] {
				cand[i] = true
			}
			if p, ok := strings.CutSuffix(w, "s"); ok {
				for _, i := range m.byWord[p] {
					cand[i] = true
				}
			}
		}
	}
	var hits []Hit
	var seen map[string]bool
	for i := range m.comps {
		c := &m.comps[i]
		if !cand[i] || seen[c.Kind] {
			continue
		}
		field, text := c.find(&t)
		if field == "" {
			continue
		}
		if seen == nil {
			seen = make(map[string]bool)
		}
		seen[c.Kind] = true
		hits = append(hits, Hit{Component: *c, Field: field, Text: text})
	}
	return hits
}

// lineText is a line's text prepared once for all patterns.
type lineText struct {
	desc, mfr, pnWords string
	pn                 token
	tokens             []token
}

type token struct{ s, strip string }

func (c *Component) find(t *lineText) (field, text string) {
	if c.Match == "word" {
		switch {
		case t.desc != "" && c.inWords(t.desc):
			return "description", c.Pattern
		case t.pnWords != "" && c.inWords(t.pnWords):
			return "part_number", c.Pattern
		case t.mfr != "" && c.inWords(t.mfr):
			return "manufacturer", c.Pattern
		}
		return "", ""
	}
	if t.pn.s != "" && c.hasPrefix(t.pn) {
		return "part_number", t.pn.s
	}
	for _, tok := range t.tokens {
		if c.hasPrefix(tok) {
			return "description", tok.s
		}
	}
	return "", ""
}

// inWords reports whether the phrase is in the normalised, space-padded
// text s, as whole words; a plural "s" on the last word still matches.
func (c *Component) inWords(s string) bool {
	i := strings.Index(s, c.pad)
	for i >= 0 {
		rest := s[i+len(c.pad):]
		if strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "s ") {
			return true
		}
		j := strings.Index(s[i+1:], c.pad)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// hasPrefix reports whether the upper-case token s starts with the pattern.
// Separators count, so "NEO-" does not match "NEON"; a pattern holding a
// digit also matches without separators, so "MPU-60" matches "MPU6050".
func (c *Component) hasPrefix(t token) bool {
	if strings.HasPrefix(t.s, c.norm) {
		return true
	}
	return c.digit && strings.HasPrefix(t.strip, c.strip)
}

func stripSep(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == '_' || r == ' ' {
			return -1
		}
		return r
	}, s)
}

// normWords lower-cases s and reduces it to letter-and-digit words separated
// by single spaces, so that phrases compare on word boundaries.
func normWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// Components returns a copy of every pattern in file order, for callers
// that build their own index over them (the free-text scanner finds them
// with offsets in running text).
func (m *Matcher) Components() []Component {
	out := make([]Component, len(m.comps))
	copy(out, m.comps)
	return out
}
