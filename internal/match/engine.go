// Package match finds the listed entities a party may be, scores them in
// [0,1] and explains each score.
//
// It is the screening stage of the data flow: it reads entity datasets,
// builds an index over their names and identifiers, and answers queries.
// An Engine is immutable once built; a list update builds a new one.
package match

import (
	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// DefaultThreshold is the score from which a candidate counts as a match.
const DefaultThreshold = 0.80

// Engine screens queries against a fixed set of datasets.
type Engine struct {
	datasets []*entity.Dataset
	byID     map[string]*entity.Entity
}

// New builds an engine over datasets.
func New(datasets []*entity.Dataset) *Engine {
	e := &Engine{datasets: datasets, byID: make(map[string]*entity.Entity)}
	for _, d := range datasets {
		for _, ent := range d.Entities {
			e.byID[ent.ID] = ent
		}
	}
	return e
}

// Entity returns the entity with the given id.
func (e *Engine) Entity(id string) (*entity.Entity, bool) {
	ent, ok := e.byID[id]
	return ent, ok
}

// Datasets returns the datasets the engine screens against.
func (e *Engine) Datasets() []*entity.Dataset { return e.datasets }

// Screen returns the entities q may be, best first.
func (e *Engine) Screen(q Query, opt Options) ([]Match, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return nil, nil
}
