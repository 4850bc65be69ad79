package ofac_test

import (
	"errors"
	"path"
	"slices"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// Shared sample directories, relative to shared/.
const (
	sdnDir      = "data/lists/official-samples/ofac-sdn-legacy-csv"
	consDir     = "data/lists/official-samples/ofac-consolidated-nonsdn-csv"
	classicXML  = "data/lists/official-samples/ofac-consolidated-nonsdn-xml-2018/consolidated.xml"
	advancedXML = "data/lists/official-samples/ofac-sdn-advanced-xml/sdn-advanced-excerpt-2026-09-09.xml"
)

var (
	sdnFiles  = []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
	consFiles = []string{"cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"}
)

// loadSet reads the named files of dir under shared/ into a file set,
// skipping the test when shared/ is absent.
func loadSet(tb testing.TB, dir string, names ...string) parse.Files {
	tb.Helper()
	files := make(parse.Files)
	for _, n := range names {
		files[n] = sharedtest.Read(tb, path.Join(dir, n))
	}
	return files
}

// byID indexes a dataset's entities by SourceID.
func byID(ds *entity.Dataset) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity, len(ds.Entities))
	for _, e := range ds.Entities {
		m[e.SourceID] = e
	}
	return m
}

// mustEntity returns entity id of ds or fails the test.
func mustEntity(t *testing.T, m map[string]*entity.Entity, id string) *entity.Entity {
	t.Helper()
	e, ok := m[id]
	if !ok {
		t.Fatalf("entity %s not found", id)
	}
	return e
}

// validateAll checks every entity's invariants.
func validateAll(t *testing.T, ds *entity.Dataset) {
	t.Helper()
	for _, e := range ds.Entities {
		if err := e.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
}

// findName returns the name of e whose Full is full.
func findName(e *entity.Entity, full string) (entity.Name, bool) {
	i := slices.IndexFunc(e.Names, func(n entity.Name) bool { return n.Full == full })
	if i < 0 {
		return entity.Name{}, false
	}
	return e.Names[i], true
}

// hasID reports whether e has an identifier of type typ and number num
// (and country c when c is not "").
func hasID(e *entity.Entity, typ, num, c string) bool {
	return slices.ContainsFunc(e.Identifiers, func(id entity.Identifier) bool {
		return id.Type == typ && id.Number == num && (c == "" || id.Country == c)
	})
}

// parseErr checks that err is a *parse.Error for file, at line when line
// is not 0, for field when field is not "", wrapping want when want is not
// nil.
func parseErr(t *testing.T, err error, file string, line int, field string, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a *parse.Error for %s", file)
	}
	t.Logf("error: %.200v", err)
	var pe *parse.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %T %v, want *parse.Error", err, err)
	}
	if pe.File != file {
		t.Errorf("File = %q, want %q (%v)", pe.File, file, err)
	}
	if line != 0 && pe.Line != line {
		t.Errorf("Line = %d, want %d (%v)", pe.Line, line, err)
	}
	if pe.Line == 0 && pe.Offset == 0 && line != 0 {
		t.Errorf("error names no line (%v)", err)
	}
	if field != "" && pe.Field != field {
		t.Errorf("Field = %q, want %q (%v)", pe.Field, field, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Errorf("error %v does not wrap %v", err, want)
	}
}
