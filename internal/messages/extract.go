package messages

import (
	"regexp"
	"sort"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
	"github.com/chokepoint-dev/chokepoint/internal/route"
)

// lineIndex maps byte offsets of a file to 1-based lines and columns.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (li lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(li), func(i int) bool { return li[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - li[i] + 1
}

// validBIC reports whether s is a BIC: 4 letters (institution), 2 letters
// (country), 2 letters or digits (location) and an optional 3-character
// branch.
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		if i < 6 && !letter || i >= 6 && !letter && !digit {
			return false
		}
	}
	return true
}

// bicCountry is the country of a BIC, its fifth and sixth characters, when
// they are a country code ("XK" for Kosovo is one).
func bicCountry(bic string) string {
	if len(bic) < 6 {
		return ""
	}
	c := bic[4:6]
	if country.Code(c) == c {
		return c
	}
	return ""
}

// bicIDs are the identifiers a BIC is screened by: the 8-character BIC the
// lists publish and, for a named branch, the full 11 characters.
func bicIDs(bic string) []Identifier {
	if bic == "" {
		return nil
	}
	ids := []Identifier{{Type: "BIC", Number: bic[:8]}}
	if len(bic) == 11 && bic[8:] != "XXX" {
		ids = append(ids, Identifier{Type: "BIC", Number: bic})
	}
	return ids
}

// ibanCountry returns the country code an IBAN starts with, or "".
func ibanCountry(acct string) string {
	a := strings.ToUpper(strings.ReplaceAll(strings.TrimPrefix(acct, "/"), " ", ""))
	if len(a) < 15 || len(a) > 34 || a[2] < '0' || a[2] > '9' || a[3] < '0' || a[3] > '9' {
		return ""
	}
	for i := 4; i < len(a); i++ {
		c := a[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	if c := country.Code(a[:2]); c == a[:2] {
		return c
	}
	return ""
}

// addressCountry finds the country an unstructured address ends with: its
// last line, or that line's last comma-separated part, or its last one to
// four words ("ISTANBUL TURKEY", "DUBAI UNITED ARAB EMIRATES"). A bare
// two-letter code counts only after a comma or alone on the line, where it
// cannot be a word of the address.
func addressCountry(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return ""
	}
	try := func(s string, short bool) string {
		s = strings.Trim(strings.TrimSpace(s), ".,;")
		if len(s) < 4 && !short {
			return ""
		}
		return country.Code(s)
	}
	if c := try(last, true); c != "" {
		return c
	}
	if i := strings.LastIndexAny(last, ",/"); i >= 0 {
		if c := try(last[i+1:], true); c != "" {
			return c
		}
	}
	words := strings.Fields(last)
	for n := min(4, len(words)-1); n >= 1; n-- {
		if c := try(strings.Join(words[len(words)-n:], " "), false); c != "" {
			return c
		}
	}
	return ""
}

// textCountry finds a country named at the end of a place text ("ANY PORT
// IN RUSSIA", "MOSCOW, RUSSIAN FEDERATION").
func textCountry(s string) string {
	return addressCountry([]string{s})
}

// portIn returns the part of a place text that names a known port (a
// UN/LOCODE or port name), trying the whole text and then each part
// between commas, slashes and semicolons, and the port itself.
func portIn(s string) (string, route.Port, bool) {
	rd := route.Default()
	s = strings.TrimSpace(s)
	if p, ok := rd.Port(s); ok {
		return s, p, true
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '/' || r == ';' || r == '(' || r == ')' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, ok := rd.Port(part); ok {
			return part, p, true
		}
		// "RUMCX MAKHACHKALA": a LOCODE written before the name.
		for _, w := range strings.Fields(part) {
			if len(w) == 5 && strings.ToUpper(w) == w {
				if p, ok := rd.Port(w); ok && p.Known && p.LOCODE == w {
					return w, p, true
				}
			}
		}
	}
	return s, route.Port{}, false
}

// writtenLOCODE returns a UN/LOCODE written in s, if any.
func writtenLOCODE(s string) string {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '9') }) {
		if len(w) == 5 && country.Code(w[:2]) == w[:2] {
			if p, ok := route.Default().Port(w); ok && p.Known && p.LOCODE == w {
				return w
			}
		}
	}
	return ""
}

var (
	hsRe     = regexp.MustCompile(`(?i)\b(?:H\.?S\.?|HTS|TARIFF|CN|COMMODITY)\s*(?:CODE|NO\.?|NUMBER|HEADING)?\s*[:.#]?\s*([0-9][0-9 .]{4,13}[0-9])`)
	imoRe    = regexp.MustCompile(`(?i)\bIMO\s*(?:NO\.?|NUMBER|#)?\s*[:.]?\s*([0-9]{7})\b`)
	vesselRe = regexp.MustCompile(`(?i)\b(?:M/V|M\.V\.|MV|VESSEL|SHIP)\s*[:.]?\s+([A-Z0-9][A-Z0-9 \-]{1,40}?)\s*(?:[,;()\n]|\bIMO\b|\bVOY|\bFLAG|$)`)
	incoRe   = regexp.MustCompile(`\b(EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)\b`)
)

// hsCodesIn returns the commodity codes written in text after "HS CODE",
// "HS", "HTS" and the like that goods.ParseCode accepts.
func hsCodesIn(text string) []string {
	var out []string
	for _, m := range hsRe.FindAllStringSubmatch(text, -1) {
		if c, err := goods.ParseCode(m[1]); err == nil {
			out = append(out, c.Raw)
		}
	}
	return out
}

// imosIn returns the IMO numbers with a valid check digit written in text.
func imosIn(text string) []string {
	var out []string
	for _, m := range imoRe.FindAllStringSubmatch(text, -1) {
		if validIMO(m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

func validIMO(d string) bool {
	if len(d) != 7 {
		return false
	}
	sum := 0
	for i := 0; i < 7; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
		if i < 6 {
			sum += int(d[i]-'0') * (7 - i)
		}
	}
	return sum%10 == int(d[6]-'0')
}

// vesselsIn returns vessels named in free text ("M/V LADY MARIIA IMO
// 9220641", "VESSEL: KAVE"); names come only after an explicit vessel
// word, so ordinary words are not taken for ships.
func vesselsIn(text string, loc Location) []Vessel {
	var out []Vessel
	seen := map[string]bool{}
	for _, m := range vesselRe.FindAllStringSubmatchIndex(text, -1) {
		name := strings.TrimSpace(text[m[2]:m[3]])
		for _, cut := range []string{" OR ", " AND ", " OF "} {
			if i := strings.Index(strings.ToUpper(name), cut); i > 0 {
				name = strings.TrimSpace(name[:i])
			}
		}
		up := strings.ToUpper(name)
		if name == "" || up == "TO BE NAMED" || up == "TBN" || strings.HasPrefix(up, "OR ") || strings.HasPrefix(up, "AND ") || seen[up] {
			continue
		}
		seen[up] = true
		v := Vessel{Name: name, Loc: loc}
		if imos := imosIn(text[m[0]:min(len(text), m[1]+30)]); len(imos) > 0 {
			v.IMO = imos[0]
			seen[imos[0]] = true
		}
		out = append(out, v)
	}
	for _, imo := range imosIn(text) {
		if !seen[imo] {
			seen[imo] = true
			out = append(out, Vessel{IMO: imo, Loc: loc})
		}
	}
	return out
}

// portFor picks what the order's port field gets: a LOCODE the route
// data knows, else the part of the text naming a known port, else the
// LOCODE as written (its country is still known), else the text.
func portFor(pl Place) string {
	if pl.LOCODE != "" {
		if p, ok := route.Default().Port(pl.LOCODE); ok && p.Known {
			return pl.LOCODE
		}
	}
	if text, p, ok := portIn(pl.Text); ok && p.Known {
		return text
	}
	if pl.LOCODE != "" {
		return pl.LOCODE
	}
	return pl.Text
}

// incotermIn returns the first Incoterm written in capitals in text.
func incotermIn(text string) string {
	return incoRe.FindString(text)
}
