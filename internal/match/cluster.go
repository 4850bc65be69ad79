package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// buildClusters finds entries on different lists that are the same party,
// so that a query returns them once with all their sources. Evidence, from
// strongest: a shared identifier; a UN reference number on an EU or UK
// entry; the same person name and full date of birth; the same
// organisation name and type with a shared (or no) country. Two entries of
// the same list are never merged: a list keeps distinct parties apart for
// a reason.
func (e *Engine) buildClusters() {
	parent := make([]int32, len(e.ents))
	sources := make([]map[string]bool, len(e.ents))
	reason := make(map[int32]string)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	srcs := func(r int32) map[string]bool {
		if sources[r] == nil {
			sources[r] = map[string]bool{e.ents[r].Source: true}
		}
		return sources[r]
	}
	union := func(a, b int32, why string) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		sa, sb := srcs(ra), srcs(rb)
		for s := range sb {
			if sa[s] {
				return
			}
		}
		for s := range sb {
			sa[s] = true
		}
		parent[rb] = ra
		if _, ok := reason[b]; !ok {
			reason[b] = why
		}
		if _, ok := reason[a]; !ok {
			reason[a] = why
		}
	}

	// Shared identifiers. A number held by many entries is a shared
	// registry or a placeholder, not evidence of identity.
	keys := make([]string, 0, len(e.ids))
	for k := range e.ids {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ents := e.ids[k]
		if len(ents) < 2 || len(ents) > 8 || len(k) < 6 {
			continue
		}
		for _, b := range ents[1:] {
			union(ents[0], b, "same identifier "+k)
		}
	}

	// UN reference numbers carried by other lists.
	for i, ent := range e.ents {
		for _, ref := range ent.Properties["un_reference"] {
			if j, ok := e.byID["un_sc:"+strings.TrimSpace(ref)]; ok {
				union(j, int32(i), "same UN reference "+ref)
			}
		}
	}

	// Same name with a full date of birth (persons), or same name and type
	// with compatible countries (everything else).
	byKey := make(map[string][]int32)
	for i := range e.names {
		rec := &e.names[i]
		ent := e.ents[rec.ent]
		n := ent.Names[rec.name]
		if n.Quality == entity.Weak || rec.acronym {
			continue
		}
		k := nameKey(rec.toks)
		if ent.Type == entity.Person {
			for _, d := range ent.BirthDates {
				if d.Precision() == "day" {
					pk := "p|" + k + "|" + d.String()
					byKey[pk] = append(byKey[pk], rec.ent)
				}
			}
			continue
		}
		ok := "o|" + string(ent.Type) + "|" + k
		byKey[ok] = append(byKey[ok], rec.ent)
	}
	mkeys := make([]string, 0, len(byKey))
	for k := range byKey {
		mkeys = append(mkeys, k)
	}
	slices.Sort(mkeys)
	for _, k := range mkeys {
		ents := byKey[k]
		if len(ents) < 2 || len(ents) > 8 {
			continue
		}
		person := strings.HasPrefix(k, "p|")
		for _, b := range ents[1:] {
			a := ents[0]
			if a == b {
				continue
			}
			if person {
				union(a, b, "same name and date of birth")
				continue
			}
			ca, cb := e.info[a].countries, e.info[b].countries
			if len(ca) == 0 || len(cb) == 0 || overlaps(ca, cb) {
				union(a, b, "same name and type")
			}
		}
	}

	groups := make(map[int32][]int32)
	for i := range e.ents {
		r := find(int32(i))
		if r != int32(i) || len(groups[r]) > 0 {
			groups[r] = append(groups[r], int32(i))
		} else {
			groups[r] = []int32{int32(i)}
		}
	}
	roots := make([]int32, 0)
	for r, m := range groups {
		if len(m) > 1 {
			roots = append(roots, r)
		}
	}
	slices.Sort(roots)
	for _, r := range roots {
		members := groups[r]
		slices.Sort(members)
		c := cluster{members: members, reasons: make(map[int32]string, len(members))}
		for _, m := range members {
			c.reasons[m] = reason[m]
			e.info[m].cluster = int32(len(e.clusters))
		}
		e.clusters = append(e.clusters, c)
	}
}

// nameKey is an order-free key of a name's tokens, so that "PUTIN,
// Vladimir" and "Vladimir PUTIN" agree.
func nameKey(toks []tok) string {
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.kind != names.Particle {
			parts = append(parts, t.text)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// Cluster returns the ids of the entries judged to be the same party as
// id, with the reason each was joined, for display.
func (e *Engine) Cluster(id string) []string {
	i, ok := e.byID[id]
	if !ok || e.info[i].cluster < 0 {
		return nil
	}
	c := e.clusters[e.info[i].cluster]
	out := make([]string, 0, len(c.members))
	for _, m := range c.members {
		out = append(out, fmt.Sprintf("%s (%s)", e.ents[m].ID, c.reasons[m]))
	}
	return out
}
