package names

import (
	"strings"
	"sync"
)

//go:generate go run gen.go

// entry is what the dictionary knows about one phrase (one or more Latin
// words separated by single spaces).
type entry struct {
	legal     string // legal-form class, "" if none
	legalEdg  bool   // a short legal form (AO, SA): only as the first or last word
	legalEnd  bool   // a legal form of initials ("s a"): only at the end, lest "J.P. Morgan" be one
	org       string // organisation-word class, "" if none
	number    string // digits of a number word, "" if none
	particle  bool
	honorific bool // a person's title, dropped from the front of person names
}

// dict is the phrase dictionary: legal forms, organisation words,
// particles, titles and number words.
type dict struct {
	phrases map[string]*entry
	// maxLen maps the first word of every phrase to the most words any
	// phrase starting with it has, so that most words cost one lookup.
	maxLen map[string]uint8
}

// loadDict parses the generated table (tables_gen.go, built by go generate
// from rigour's YAML in data/) on first use. Parsing the YAML itself at
// start-up took about 50 ms; this takes about a millisecond.
var loadDict = sync.OnceValue(func() *dict { return parseTable(tableData) })

// parseTable parses the tab-separated lines of tableData.
func parseTable(data string) *dict {
	n := strings.Count(data, "\n")
	d := &dict{phrases: make(map[string]*entry, n), maxLen: make(map[string]uint8, n)}
	entries := make([]entry, n)
	rest := data
	for i := 0; rest != ""; i++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		phrase, line, _ := strings.Cut(line, "\t")
		legal, line, _ := strings.Cut(line, "\t")
		flags, line, _ := strings.Cut(line, "\t")
		org, number, _ := strings.Cut(line, "\t")
		e := &entries[i]
		*e = entry{
			legal:     legal,
			legalEdg:  strings.IndexByte(flags, 'e') >= 0,
			legalEnd:  strings.IndexByte(flags, 'n') >= 0,
			org:       org,
			number:    number,
			particle:  strings.IndexByte(flags, 'p') >= 0,
			honorific: strings.IndexByte(flags, 'h') >= 0,
		}
		d.phrases[phrase] = e
		first, more, _ := strings.Cut(phrase, " ")
		words := uint8(1)
		if more != "" {
			words += uint8(strings.Count(more, " ") + 1)
		}
		if words > d.maxLen[first] {
			d.maxLen[first] = words
		}
	}
	return d
}

// nicknames maps a given name to its nickname groups, built once.
var nicknames = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, strings.Count(nickData, "\n"))
	rest := nickData
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		name, groups, _ := strings.Cut(line, "\t")
		m[name] = groups
	}
	return m
})

// Nicknames returns the comma-separated nickname groups of a given name
// token ("bob" and "robert" share the group "bob"), or "" when the name is
// in none. The groups are rigour's person_nick table.
func Nicknames(token string) string { return nicknames()[token] }
