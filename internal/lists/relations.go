package lists

import (
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// resolveRelations fills Relation.EntityID where a relation names another
// entry of the same dataset exactly (OFAC's "Linked To: NAME." gives only
// the name). Order screening follows these links to say which listed
// parties a hit is tied to; a name held by several entries stays
// unresolved rather than guessed.
func resolveRelations(ds *entity.Dataset) {
	byName := make(map[string]string)
	ambiguous := make(map[string]bool)
	for _, e := range ds.Entities {
		for _, n := range e.Names {
			k := relationKey(n.Full)
			if k == "" || n.Quality == entity.Weak {
				continue
			}
			if old, ok := byName[k]; ok && old != e.ID {
				ambiguous[k] = true
				continue
			}
			byName[k] = e.ID
		}
	}
	for _, e := range ds.Entities {
		for i := range e.Relations {
			r := &e.Relations[i]
			if r.EntityID != "" || r.Name == "" {
				continue
			}
			k := relationKey(r.Name)
			if id, ok := byName[k]; ok && !ambiguous[k] && id != e.ID {
				r.EntityID = id
			}
		}
	}
}

// relationKey folds a name the way lists repeat their own names: case,
// spacing and trailing punctuation differ, the words do not.
func relationKey(s string) string {
	s = strings.TrimRight(strings.TrimSpace(s), ".;,")
	return strings.ToUpper(strings.Join(strings.Fields(s), " "))
}
