package orders

import (
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// fakeScreener returns canned matches by lower-case query name and can
// spend a fixed amount of work per call, to stand in for the engine.
type fakeScreener struct {
	byName map[string][]match.Match
	spin   time.Duration
	calls  int
}

var _ Screener = (*fakeScreener)(nil)

func (f *fakeScreener) Screen(q match.Query, opt match.Options) ([]match.Match, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	f.calls++
	if f.spin > 0 {
		for start := time.Now(); time.Since(start) < f.spin; {
		}
	}
	return f.byName[strings.ToLower(q.Name)], nil
}

// listedScreener also reports datasets, as match.Engine does.
type listedScreener struct {
	fakeScreener
	datasets []*entity.Dataset
}

func (l *listedScreener) Datasets() []*entity.Dataset { return l.datasets }

func sdnMatch(name string, score float64, quality entity.Quality) match.Match {
	return match.Match{
		EntityID: "us_ofac_sdn:33596", Source: "us_ofac_sdn", SourceID: "33596", Type: entity.Person,
		Name: "MEHRABI, Abdollah", MatchedName: name, MatchedNameQuality: quality, Score: score,
		Match: score >= 0.80, Explanation: "name tokens align", Programs: []string{"NPWMD", "IRGC", "IFSR"},
		ListVersion: "2026-06-01-abc123",
		Entity: &entity.Entity{ID: "us_ofac_sdn:33596", Source: "us_ofac_sdn", SourceID: "33596", Name: "MEHRABI, Abdollah",
			Relations: []entity.Relation{{Kind: "linked_to", Name: "IRGC AEROSPACE FORCE SELF SUFFICIENCY JIHAD ORGANIZATION"}}},
	}
}

func cslMatch(name, list, lic string) match.Match {
	e := &entity.Entity{ID: "us_trade_csl:el-1", Source: "us_trade_csl", SourceID: "el-1", Name: name}
	e.AddProperty("list", list)
	e.AddProperty("license_requirement", lic)
	return match.Match{EntityID: e.ID, Source: e.Source, SourceID: e.SourceID, Name: name, MatchedName: name,
		MatchedNameQuality: entity.Strong, Score: 0.97, Match: true, ListVersion: "2026-11-01-def456", Entity: e}
}

func vesselMatch(score float64) match.Match {
	return match.Match{EntityID: "us_ofac_sdn:99999", Source: "us_ofac_sdn", SourceID: "99999", Type: entity.Vessel,
		Name: "CASPIAN STAR", MatchedName: "CASPIAN STAR", MatchedNameQuality: entity.Strong, Score: score, Match: score >= 0.80,
		ListVersion: "2026-06-01-abc123", Programs: []string{"RUSSIA-EO14024"}}
}

// exampleScreener knows the listed parties of the examples.
func exampleScreener() *fakeScreener {
	return &fakeScreener{byName: map[string][]match.Match{
		"abdollah mehrabi": {sdnMatch("Abdollah MEHRABI", 0.98, entity.Strong)},
	}}
}

type (
	matchQuery   = match.Query
	matchOptions = match.Options
	matchMatch   = match.Match
)
