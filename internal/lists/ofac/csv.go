package ofac

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// The columns of the four tables, in order, as OFAC's dat_spec.txt names
// them. Errors name a field by these names.
var (
	mainCols    = []string{"ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"}
	addCols     = []string{"ent_num", "add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks"}
	altCols     = []string{"ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"}
	commentCols = []string{"ent_num", "Remarks_Extended"}
)

// tableNames are the logical file names of one CSV set.
type tableNames struct{ main, add, alt, comments string }

var (
	sdnNames  = tableNames{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
	consNames = tableNames{"cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"}
)

// namesFor picks the file set: by source when it says, else by the files
// given, so that a renamed source still parses.
func namesFor(files parse.Files, source string) tableNames {
	switch source {
	case "us_ofac_sdn":
		return sdnNames
	case "us_ofac_cons":
		return consNames
	}
	if _, ok := files[consNames.main]; ok {
		return consNames
	}
	return sdnNames
}

// record is one entry of the main table while its companion rows are
// joined to it.
type record struct {
	e    *entity.Entity
	line int
	raw  []string
	// truncated says the Remarks field is at OFAC's 1,000-character
	// limit, so a comments row may continue it.
	truncated bool
	// partial marks an entry known only from the alias file; its Remarks
	// are ours, not OFAC's, and are not mined.
	partial bool
}

// maxRemarks is the length at which OFAC cuts Remarks and continues them
// in the comments file.
const maxRemarks = 1000

// ParseCSV parses the legacy four-table CSV set of source: for
// "us_ofac_sdn" the files "sdn.csv" (required), "add.csv", "alt.csv" and
// "sdn_comments.csv"; for "us_ofac_cons" "cons_prim.csv" (required),
// "cons_add.csv", "cons_alt.csv" and "cons_comments.csv".
//
// Rows of the companion files whose entry is missing from the main file
// are counted in Dataset.Notes, not joined. Published is left empty: the
// CSV files carry no date. Errors are *parse.Error values naming the file,
// line and field.
func ParseCSV(files parse.Files, source string) (*entity.Dataset, error) {
	names := namesFor(files, source)
	mainData, ok := files[names.main]
	if !ok {
		return nil, &parse.Error{File: names.main, Err: fmt.Errorf("%w: the main table %s is missing from the file set", parse.ErrEmpty, names.main)}
	}
	ds := &entity.Dataset{Source: source}
	byNum := make(map[int]*record)
	var order []*record

	err := readTable(mainData, names.main, mainCols, false, func(rec []string, line int, raw string) error {
		num, err := entNum(rec[0], names.main, line)
		if err != nil {
			return err
		}
		if old, dup := byNum[num]; dup {
			return parse.Errorf(names.main, line, "ent_num", "duplicate ent_num %d (first on line %d)", num, old.line)
		}
		e, err := mainEntity(rec, source, num, names.main, line)
		if err != nil {
			return err
		}
		r := &record{e: e, line: line, raw: []string{raw}, truncated: len(rec[11]) >= maxRemarks}
		if r.truncated {
			// Keep the cut remarks as published, trailing space
			// included: the continuation may start right after a "; ".
			e.Remarks = rec[11]
		}
		byNum[num] = r
		order = append(order, r)
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Comments first: they complete Remarks, which are mined last.
	stale := 0
	if err := joinTable(files, names.comments, commentCols, names.main, byNum, ds, nil, func(r *record, rec []string, line int) error {
		v := null(rec[1])
		switch {
		case v == "":
		case r.truncated:
			// The continuation starts mid-word: no separator, and no
			// trimming, which could glue "; " fragments together.
			r.e.Remarks += rec[1]
		default:
			// The main file's remarks are whole, so this row continues
			// a different version of them (the files are of different
			// dates): joining would garble both.
			stale++
			r.e.AddProperty("unjoined_remarks_continuation", v)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if stale > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%s: %s rows continue remarks that are not truncated in %s (files of different dates); kept apart, not joined",
			names.comments, thousands(stale), names.main))
	}
	// Aliases before remarks, so that a remark a.k.a. that alt.csv also
	// holds stays strong.
	//
	// An alias row whose entry is missing from the main file names a
	// party listed after the main file's date (the four files are often
	// of different dates). Dropping it would let a designated party
	// through; it becomes a partial record instead, named by its aliases,
	// which address rows then complete.
	partial := func(num int, rec []string, line int, raw string) *record {
		id := strconv.Itoa(num)
		name := null(rec[3])
		if name == "" {
			return nil
		}
		e := &entity.Entity{ID: source + ":" + id, Source: source, SourceID: id, Type: entity.Unknown, Name: name,
			Names: []entity.Name{{Full: name, Kind: entity.NamePrimary, Quality: entity.Strong,
				Note: "primary name unknown: the entry is not in " + names.main + "; this is its first alias in " + names.alt}},
			Remarks: fmt.Sprintf("Partial record: this entry is in %s but not in %s, which is older. Its type, programs and remarks are unknown; update the lists for the full record.", names.alt, names.main),
		}
		e.AddProperty("partial_record", names.alt+" and "+names.add+" only")
		r := &record{e: e, line: line, partial: true}
		byNum[num] = r
		order = append(order, r)
		return r
	}
	if err := joinTable(files, names.alt, altCols, names.main, byNum, ds, partial, func(r *record, rec []string, line int) error {
		return addAlt(r.e, rec, names.alt, line)
	}); err != nil {
		return nil, err
	}
	if err := joinTable(files, names.add, addCols, names.main, byNum, ds, nil, func(r *record, rec []string, line int) error {
		addAddress(r.e, rec)
		return nil
	}); err != nil {
		return nil, err
	}

	ds.Entities = make([]*entity.Entity, len(order))
	for i, r := range order {
		r.e.Remarks = strings.TrimSpace(r.e.Remarks)
		if !r.partial {
			mineRemarks(r.e, r.e.Remarks)
		}
		r.e.Raw = strings.Join(r.raw, "\n")
		ds.Entities[i] = r.e
	}
	return ds, nil
}

// joinTable reads the optional companion file name and hands each row to
// fn with its entry. Rows whose entry is not in the main file are given to
// create, when set, which may make a partial entry for them; the others
// are counted into a note on ds.
func joinTable(files parse.Files, name string, cols []string, mainName string, byNum map[int]*record, ds *entity.Dataset,
	create func(num int, rec []string, line int, raw string) *record, fn func(r *record, rec []string, line int) error) error {
	data, ok := files[name]
	if !ok {
		return nil
	}
	orphanRows, created := 0, 0
	orphans := make(map[int]bool)
	err := readTable(data, name, cols, true, func(rec []string, line int, raw string) error {
		num, err := entNum(rec[0], name, line)
		if err != nil {
			return err
		}
		r, ok := byNum[num]
		if !ok && create != nil {
			if r = create(num, rec, line, raw); r != nil {
				ok = true
				created++
			}
		}
		if !ok {
			orphanRows++
			orphans[num] = true
			return nil
		}
		r.raw = append(r.raw, raw)
		return fn(r, rec, line)
	})
	if err != nil {
		return err
	}
	if orphanRows > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%s: %s rows refer to %s entries not in %s (files of different dates); not screened",
			name, thousands(orphanRows), thousands(len(orphans)), mainName))
	}
	if created > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%s: %s entries are not in %s (listed after its date); screened as partial records of type unknown with their aliases and addresses, without programs or remarks",
			name, thousands(created), mainName))
	}
	return nil
}

// readTable reads one headerless OFAC CSV table and calls fn for each row
// with its 1-based line and its text as published. An empty optional
// table is not an error: sdn_comments.csv can have no rows.
func readTable(data []byte, file string, cols []string, optional bool, fn func(rec []string, line int, raw string) error) error {
	if len(data) > parse.MaxFileSize {
		return &parse.Error{File: file, Err: fmt.Errorf("%w: over %d bytes", parse.ErrTooLarge, parse.MaxFileSize)}
	}
	// The files end with CRLF and a DOS end-of-file byte 0x1A; an editor
	// may have added a byte order mark.
	data = bytes.TrimRight(bytes.TrimPrefix(data, []byte("\ufeff")), "\x1a\r\n\t ")
	if len(data) == 0 {
		if optional {
			return nil
		}
		return &parse.Error{File: file, Err: parse.ErrEmpty}
	}
	if err := parse.CheckUTF8(data, file); err != nil {
		return err
	}
	if c := bytes.TrimLeft(data, "\r\n\t ")[0]; c == '<' || c == '{' || c == '[' {
		return &parse.Error{File: file, Line: 1, Err: fmt.Errorf("%w: this looks like XML or JSON, want OFAC CSV with %d columns", parse.ErrFormat, len(cols))}
	}
	text := string(data) // one copy; Raw strings are slices of it
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = len(cols)
	r.ReuseRecord = true
	for {
		start := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err, file, cols, len(rec), r.InputOffset() >= int64(len(text)))
		}
		line, _ := r.FieldPos(0)
		for i, f := range rec {
			if len(f) > parse.MaxFieldSize {
				return parse.Errorf(file, line, cols[i], "%w: %d bytes, limit %d", parse.ErrTooLarge, len(f), parse.MaxFieldSize)
			}
		}
		raw := strings.TrimRight(text[start:r.InputOffset()], "\r\n")
		if err := fn(rec, line, raw); err != nil {
			return err
		}
	}
}

// csvError turns an encoding/csv error into a *parse.Error. A record cut
// short at the very end of the file means the file was truncated.
func csvError(err error, file string, cols []string, got int, atEOF bool) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &parse.Error{File: file, Err: err}
	}
	cause := pe.Err
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount) && atEOF && got < len(cols):
		cause = fmt.Errorf("%w: last record has %d of %d fields", parse.ErrTruncated, got, len(cols))
	case errors.Is(pe.Err, csv.ErrFieldCount):
		cause = fmt.Errorf("%w: %d fields, want %d (%s)", parse.ErrFormat, got, len(cols), strings.Join(cols, ", "))
	case errors.Is(pe.Err, csv.ErrQuote) && atEOF:
		cause = fmt.Errorf("%w: quoted field not closed", parse.ErrTruncated)
	}
	return &parse.Error{File: file, Line: pe.StartLine, Column: pe.Column, Err: cause}
}

// entNum reads the ent_num column.
func entNum(s, file string, line int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, parse.Errorf(file, line, "ent_num", "%w: %q is not a positive integer", parse.ErrFormat, s)
	}
	return n, nil
}

// null returns s trimmed, or "" for OFAC's null "-0- ".
func null(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// mainEntity builds the entity of one sdn.csv / cons_prim.csv row.
func mainEntity(rec []string, source string, num int, file string, line int) (*entity.Entity, error) {
	id := strconv.Itoa(num)
	e := &entity.Entity{ID: source + ":" + id, Source: source, SourceID: id}
	name := null(rec[1])
	if name == "" {
		return nil, parse.Errorf(file, line, "SDN_Name", "%w: empty name", parse.ErrFormat)
	}
	e.Name = name
	e.Names = []entity.Name{{Full: name, Kind: entity.NamePrimary, Quality: entity.Strong}}
	t, err := partyType(null(rec[2]))
	if err != nil {
		return nil, parse.Errorf(file, line, "SDN_Type", "%w", err)
	}
	e.Type = t
	e.Programs = programs(null(rec[3]))
	if v := null(rec[4]); v != "" {
		e.Titles = []string{v}
	}
	if v := (entity.VesselInfo{CallSign: null(rec[5]), Type: null(rec[6]), Tonnage: null(rec[7]), GRT: null(rec[8]), Flag: null(rec[9]), Owner: null(rec[10])}); v != (entity.VesselInfo{}) {
		e.Vessel = &v
		if c := countryCode(v.Flag); c != "" {
			e.Countries = appendUniq(e.Countries, c)
		}
	}
	e.Remarks = null(rec[11])
	return e, nil
}

// partyType maps OFAC's SDN_Type / sdnType. OFAC leaves it null, or writes
// "Entity", for organisations.
func partyType(s string) (entity.Type, error) {
	switch strings.ToLower(s) {
	case "individual":
		return entity.Person, nil
	case "vessel":
		return entity.Vessel, nil
	case "aircraft":
		return entity.Aircraft, nil
	case "", "entity":
		return entity.Organization, nil
	}
	return entity.Unknown, fmt.Errorf("%w: unknown party type %q (want individual, vessel, aircraft, entity or -0-)", parse.ErrFormat, s)
}

// programs splits "NPWMD] [IRGC] [IFSR" into its codes.
func programs(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "] [") {
		out = appendUniq(out, strings.Trim(p, "[] "))
	}
	return out
}

// addAlt joins one alt.csv row. alt.csv holds only strong names: OFAC
// publishes its weak a.k.a.s in the remarks alone.
func addAlt(e *entity.Entity, rec []string, file string, line int) error {
	name := null(rec[3])
	if name == "" {
		return parse.Errorf(file, line, "alt_name", "%w: empty alternate name", parse.ErrFormat)
	}
	n := entity.Name{Full: name, Kind: entity.NameAlias, Quality: entity.Strong, Note: null(rec[4])}
	switch t := strings.ToLower(null(rec[2])); t {
	case "aka", "nka":
	case "fka":
		n.Kind = entity.NameFormer
	default:
		// An alt_type OFAC may add later: keep the name, say what it was.
		n.Note = strings.TrimSpace("alt_type " + t + " " + n.Note)
	}
	e.AddName(n)
	return nil
}

// addAddress joins one add.csv row.
func addAddress(e *entity.Entity, rec []string) {
	a := entity.Address{Street: null(rec[2]), City: null(rec[3]), CountryName: null(rec[4]), Note: null(rec[5])}
	if a.Street == "" && a.City == "" && a.CountryName == "" && a.Note == "" {
		return
	}
	a.Country = countryCode(a.CountryName)
	a.Full = joinNonEmpty(", ", a.Street, a.City, a.CountryName)
	e.Addresses = append(e.Addresses, a)
}

func joinNonEmpty(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

// thousands formats n with comma separators, as the notes are read by
// people.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
