package entity

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Canonical returns the content of e that a reviewer's decision rests on,
// as canonical JSON: every published fact (names, dates, places,
// identifiers, addresses, programmes, relations, remarks, properties) with
// the order of unordered lists fixed, so that a list file that only
// reorders an entry's aliases or rewrites its raw text does not count as a
// change, and any change of substance does. Raw is left out: it is the
// same facts as published, and its formatting differs between file
// formats of one list.
func (e *Entity) Canonical() []byte {
	c := *e
	c.Raw = ""
	if len(c.Names) > 1 {
		// Names[0] is the primary name and stays first.
		rest := slices.Clone(c.Names[1:])
		slices.SortFunc(rest, func(a, b Name) int {
			return cmp.Or(strings.Compare(a.Full, b.Full), strings.Compare(string(a.Kind), string(b.Kind)),
				strings.Compare(string(a.Quality), string(b.Quality)), strings.Compare(a.Script, b.Script),
				strings.Compare(a.Lang, b.Lang), strings.Compare(a.Note, b.Note))
		})
		c.Names = append([]Name{c.Names[0]}, rest...)
	}
	c.BirthDates = sortedBy(c.BirthDates, func(d Date) string { return d.String() + "|" + d.Text })
	c.BirthPlaces = sortedStrings(c.BirthPlaces)
	c.Nationalities = sortedStrings(c.Nationalities)
	c.Citizenships = sortedStrings(c.Citizenships)
	c.Countries = sortedStrings(c.Countries)
	c.Addresses = sortedBy(c.Addresses, func(a Address) string {
		return strings.Join([]string{a.Full, a.Street, a.City, a.Region, a.PostalCode, a.Country, a.CountryName, a.Note}, "\x00")
	})
	c.Identifiers = sortedBy(c.Identifiers, func(i Identifier) string {
		return strings.Join([]string{i.Type, i.Number, i.Country, i.Label, i.Issued, i.Expires, i.Note}, "\x00")
	})
	c.Titles = sortedStrings(c.Titles)
	c.Positions = sortedStrings(c.Positions)
	c.Websites = sortedStrings(c.Websites)
	c.Emails = sortedStrings(c.Emails)
	c.Phones = sortedStrings(c.Phones)
	c.Programs = sortedStrings(c.Programs)
	c.Relations = sortedBy(c.Relations, func(r Relation) string { return r.Kind + "\x00" + r.Name + "\x00" + r.EntityID })
	if c.Properties != nil {
		p := make(map[string][]string, len(c.Properties))
		for k, v := range c.Properties {
			p[k] = sortedStrings(v)
		}
		c.Properties = p
	}
	// encoding/json writes struct fields in declaration order and map keys
	// sorted, and the Entity holds nothing it cannot encode.
	b, err := json.Marshal(&c)
	if err != nil {
		panic("entity: canonical JSON: " + err.Error())
	}
	return b
}

// ContentHash is the hex SHA-256 of e's canonical JSON: equal hashes mean
// the listed entry says the same thing, however its file was laid out.
func (e *Entity) ContentHash() string {
	_, h := e.HashedCanonical()
	return h
}

// HashedCanonical returns the canonical JSON and its hash, for a caller
// that stores both.
func (e *Entity) HashedCanonical() ([]byte, string) {
	b := e.Canonical()
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

func sortedStrings(s []string) []string {
	if len(s) < 2 {
		return s
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func sortedBy[T any](s []T, key func(T) string) []T {
	if len(s) < 2 {
		return s
	}
	s = slices.Clone(s)
	slices.SortStableFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return s
}
