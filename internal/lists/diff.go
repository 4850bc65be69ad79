package lists

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// ChangeSet is what differs between two versions of a source: the input
// for re-screening customers when a list changes.
type ChangeSet struct {
	Source string `json:"source"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Added and Removed are entities present in only one version, sorted
	// by id.
	Added   []*entity.Entity `json:"-"`
	Removed []*entity.Entity `json:"-"`
	// Changed are entities in both versions whose content differs.
	Changed []Change `json:"-"`
}

// Change is one entity present in both versions with different content.
type Change struct {
	ID string `json:"id"`
	// Fields names what changed, using the entity's JSON field names
	// ("names", "programs", "identifiers", "birth_dates", ...).
	Fields []string       `json:"fields"`
	Old    *entity.Entity `json:"-"`
	New    *entity.Entity `json:"-"`
}

// Diff compares two datasets of one source by entity id. Fields compare
// semantically: the order of repeated values, surrounding white space and
// the Raw text do not count as changes.
func Diff(old, cur *entity.Dataset) ChangeSet {
	cs := ChangeSet{}
	if cur != nil {
		cs.Source, cs.To = cur.Source, cur.Version
	}
	if old != nil {
		cs.From = old.Version
		if cs.Source == "" {
			cs.Source = old.Source
		}
	}
	before := byID(old)
	after := byID(cur)
	for id, n := range after {
		o, ok := before[id]
		if !ok {
			cs.Added = append(cs.Added, n)
			continue
		}
		if f := changedFields(o, n); len(f) > 0 {
			cs.Changed = append(cs.Changed, Change{ID: id, Fields: f, Old: o, New: n})
		}
	}
	for id, o := range before {
		if _, ok := after[id]; !ok {
			cs.Removed = append(cs.Removed, o)
		}
	}
	byEntityID := func(a, b *entity.Entity) int { return strings.Compare(a.ID, b.ID) }
	slices.SortFunc(cs.Added, byEntityID)
	slices.SortFunc(cs.Removed, byEntityID)
	slices.SortFunc(cs.Changed, func(a, b Change) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

func byID(ds *entity.Dataset) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity)
	if ds == nil {
		return m
	}
	for _, e := range ds.Entities {
		m[e.ID] = e
	}
	return m
}

// fields lists the compared parts of an entity as canonical string sets.
var fields = []struct {
	name string
	get  func(*entity.Entity) []string
}{
	{"type", func(e *entity.Entity) []string { return []string{string(e.Type)} }},
	{"name", func(e *entity.Entity) []string { return []string{norm(e.Name)} }},
	{"names", func(e *entity.Entity) []string { return each(e.Names) }},
	{"gender", func(e *entity.Entity) []string { return strs([]string{e.Gender}) }},
	{"birth_dates", func(e *entity.Entity) []string { return each(e.BirthDates) }},
	{"birth_places", func(e *entity.Entity) []string { return strs(e.BirthPlaces) }},
	{"nationalities", func(e *entity.Entity) []string { return strs(e.Nationalities) }},
	{"citizenships", func(e *entity.Entity) []string { return strs(e.Citizenships) }},
	{"countries", func(e *entity.Entity) []string { return strs(e.Countries) }},
	{"addresses", func(e *entity.Entity) []string { return each(e.Addresses) }},
	{"identifiers", func(e *entity.Entity) []string { return each(e.Identifiers) }},
	{"titles", func(e *entity.Entity) []string { return strs(e.Titles) }},
	{"positions", func(e *entity.Entity) []string { return strs(e.Positions) }},
	{"websites", func(e *entity.Entity) []string { return strs(e.Websites) }},
	{"emails", func(e *entity.Entity) []string { return strs(e.Emails) }},
	{"phones", func(e *entity.Entity) []string { return strs(e.Phones) }},
	{"vessel", func(e *entity.Entity) []string {
		if e.Vessel == nil {
			return nil
		}
		return each([]entity.VesselInfo{*e.Vessel})
	}},
	{"programs", func(e *entity.Entity) []string { return strs(e.Programs) }},
	{"listed_on", func(e *entity.Entity) []string { return strs([]string{e.ListedOn.String()}) }},
	{"secondary_sanctions", func(e *entity.Entity) []string {
		if e.SecondarySanctions {
			return []string{"true"}
		}
		return nil
	}},
	{"relations", func(e *entity.Entity) []string { return each(e.Relations) }},
	{"remarks", func(e *entity.Entity) []string { return strs([]string{e.Remarks}) }},
	{"properties", func(e *entity.Entity) []string {
		var out []string
		for k, vs := range e.Properties {
			for _, v := range vs {
				out = append(out, k+"="+norm(v))
			}
		}
		return canon(out)
	}},
}

func changedFields(a, b *entity.Entity) []string {
	var out []string
	for _, f := range fields {
		if !slices.Equal(f.get(a), f.get(b)) {
			out = append(out, f.name)
		}
	}
	return out
}

// norm collapses white space, which lists reflow between versions.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func strs(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = norm(s); s != "" {
			out = append(out, s)
		}
	}
	return canon(out)
}

// each renders every element as JSON with its strings normalised, so
// structs compare by content regardless of order.
func each[T any](in []T) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		out = append(out, norm(string(b)))
	}
	return canon(out)
}

// canon sorts and removes repeats: a value listed twice is not a change.
func canon(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}
