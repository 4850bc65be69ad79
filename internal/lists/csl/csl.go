// Package csl parses the US Consolidated Screening List (trade.gov), the
// one file that carries the Treasury, Commerce (BIS Entity List, DPL, UVL,
// MEU) and State lists together.
//
// It is part of the sources -> entities stage of the data flow
// (sources -> entities -> index -> screening -> decisions -> store). Both
// the current CSV layout (with _id) and the 2019 layout (without) are
// read, with columns found by header name.
package csl

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Source is the source id of every entity this package produces.
const Source = "us_csl"

// Properties the parser sets, beyond the shared entity fields.
const (
	PropList               = "list"                // short code of the source list: SDN, EL, DPL...
	PropListName           = "list_name"           // the source label as published
	PropLicenseRequirement = "license_requirement" // BIS licence requirement (Entity List, MEU)
	PropLicensePolicy      = "license_policy"      // BIS licence review policy
)

// Parse reads a whole CSL CSV file.
//
// SourceID is the _id column when the file has one. The 2019 layout has
// none, so the id is derived: "<list code>-<entity_number>" (such as
// "SDN-12345") when the row has an entity number, else "<list code>-" and
// the first 12 hex digits of the SHA-256 of the upper-cased name (such as
// "DPL-3f2a..."). Both stay the same from one version of the file to the
// next as long as the party keeps its number or name; a name listed twice
// in the same list gets "-2", "-3"... in file order.
//
// Multi-valued cells are split on "; ". Entity List cells also use "; and"
// inside one value: an address keeps it, and an alias list's final "and"
// is dropped.
func Parse(data []byte, file string) (*entity.Dataset, error) {
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, parse.CSVError(file, err)
	}
	headerText := strings.TrimRight(string(data[:r.InputOffset()]), "\r\n")
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup && h != "" {
			return nil, &parse.Error{File: file, Line: 1, Field: h, Err: fmt.Errorf("%w: column %q appears twice", parse.ErrFormat, h)}
		}
		col[h] = i
	}
	for _, need := range []string{"source", "name"} {
		if _, ok := col[need]; !ok {
			return nil, &parse.Error{File: file, Line: 1, Field: need, Err: fmt.Errorf("%w: header has no %q column (not a CSL CSV)", parse.ErrFormat, need)}
		}
	}
	_, current := col["_id"]

	ds := &entity.Dataset{Source: Source}
	seen := make(map[string]int)
	var badDates, badListing int
	for {
		start := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, parse.CSVError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &parse.Error{File: file, Line: line, Err: fmt.Errorf("%w: wrong number of columns: %d, header has %d", parse.ErrFormat, len(rec), len(header))}
		}
		for i, v := range rec {
			if len(v) > parse.MaxFieldSize {
				return nil, &parse.Error{File: file, Line: line, Field: header[i], Err: fmt.Errorf("%w: field over %d bytes", parse.ErrTooLarge, parse.MaxFieldSize)}
			}
		}
		row := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e, bad, badList, err := mapRow(row, current, file, line)
		if err != nil {
			return nil, err
		}
		badDates += bad
		badListing += badList
		if seen[e.SourceID] > 0 && !current {
			base := e.SourceID
			for n := seen[base] + 1; ; n++ {
				if id := base + "-" + strconv.Itoa(n); seen[id] == 0 {
					seen[base] = n
					e.SourceID, e.ID = id, Source+":"+id
					break
				}
			}
		}
		seen[e.SourceID]++
		e.Raw = headerText + "\n" + strings.TrimRight(string(data[start:r.InputOffset()]), "\r\n")
		ds.Entities = append(ds.Entities, e)
	}
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Line: 2, Err: fmt.Errorf("%w: no data rows after the header", parse.ErrFormat)}
	}
	if current {
		if n := qualifySharedIDs(ds.Entities, seen); n > 0 {
			ds.Notes = append(ds.Notes, fmt.Sprintf("%d _id values are on more than one row (an OFAC party on several of its lists, or a row repeated); those rows are identified as <_id>-<list code>", n))
		}
	}
	if badListing > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d start or end dates of listing are not valid dates (such as \"0097-06-30\"); they are kept as text in the start_date and end_date properties", badListing))
	}
	if badDates > 0 {
		ds.Notes = append(ds.Notes, fmt.Sprintf("%d dates of birth were not in a known form; they are kept as text in the date_of_birth_text property", badDates))
	}
	return ds, nil
}

// qualifySharedIDs gives every row whose _id is on several rows the id
// "<_id>-<list code>", and "-2", "-3"... in file order when the same list
// repeats it. The full CSL repeats the OFAC ent_num of a party on each
// OFAC list that names it (SDN and SSI, CAP, NS-MBS...); qualifying all of
// them, not the later ones only, keeps an id from depending on row order.
// It returns the number of shared _id values.
func qualifySharedIDs(es []*entity.Entity, count map[string]int) int {
	shared := 0
	for _, n := range count {
		if n > 1 {
			shared++
		}
	}
	if shared == 0 {
		return 0
	}
	// Ids in use, so that a qualified id never takes another row's _id.
	taken := make(map[string]bool, len(es))
	for _, e := range es {
		if count[e.SourceID] < 2 {
			taken[e.SourceID] = true
		}
	}
	for _, e := range es {
		if count[e.SourceID] < 2 {
			continue
		}
		base := e.SourceID + "-" + e.Properties[PropList][0]
		id := base
		for n := 2; taken[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		taken[id] = true
		e.SourceID, e.ID = id, Source+":"+id
	}
	return shared
}

// linkedTo finds OFAC's "(Linked To: NAME)" remarks.
var linkedTo = regexp.MustCompile(`\(Linked To: ([^)]+)\)`)

var abbrev = regexp.MustCompile(`\(([A-Za-z][A-Za-z-]*)\)`)

// listCode returns the short code of a CSL source label, such as "EL" for
// "Entity List (EL) - Bureau of Industry and Security".
func listCode(label string) string {
	if m := abbrev.FindStringSubmatch(label); m != nil {
		return strings.ToUpper(m[1])
	}
	l := strings.ToLower(label)
	switch {
	case strings.Contains(l, "menu-based"):
		return "NS-MBS"
	case strings.Contains(l, "military-industrial complex") || strings.Contains(l, "cmic"):
		return "CMIC"
	case strings.Contains(l, "entity list"):
		return "EL"
	case strings.Contains(l, "denied persons"):
		return "DPL"
	case strings.Contains(l, "unverified"):
		return "UVL"
	case strings.Contains(l, "military end user"):
		return "MEU"
	case strings.Contains(l, "specially designated nationals"):
		return "SDN"
	}
	return strings.ToUpper(strings.Join(strings.Fields(label), "_"))
}

func mapRow(row func(string) string, current bool, file string, line int) (e *entity.Entity, badDates, badListing int, err error) {
	fail := func(field string, err error) error {
		return &parse.Error{File: file, Line: line, Field: field, Err: err}
	}
	label := row("source")
	if label == "" {
		return nil, 0, 0, fail("source", errors.New("empty source list"))
	}
	code := listCode(label)
	name := strings.Join(strings.Fields(row("name")), " ")
	if name == "" {
		return nil, 0, 0, fail("name", errors.New("empty name"))
	}
	id := row("_id")
	switch {
	case current && id == "":
		return nil, 0, 0, fail("_id", errors.New("empty _id"))
	case id != "":
	case row("entity_number") != "":
		id = code + "-" + row("entity_number")
	default:
		sum := sha256.Sum256([]byte(strings.ToUpper(name)))
		id = code + "-" + hex.EncodeToString(sum[:6])
	}
	e = &entity.Entity{ID: Source + ":" + id, Source: Source, SourceID: id}
	if t := row("type"); t != "" {
		typ, ok := entity.ParseType(t)
		if !ok {
			return nil, 0, 0, fail("type", fmt.Errorf("unknown type %q", t))
		}
		e.Type = typ
	} else if code == "EL" {
		// The Entity List names companies and institutes; the few
		// individuals on it carry a type when the CSL knows it.
		e.Type = entity.Organization
	}
	e.Name = name
	e.Names = []entity.Name{{Full: name, Kind: entity.NamePrimary, Quality: entity.Strong}}
	for _, a := range splitList(row("alt_names"), true) {
		e.AddName(entity.Name{Full: a, Kind: entity.NameAlias, Quality: entity.Strong})
	}

	e.Programs = []string{code}
	for _, p := range splitList(row("programs"), true) {
		parse.AddUnique(&e.Programs, p)
	}
	e.AddProperty(PropList, code)
	e.AddProperty(PropListName, label)
	e.AddProperty("entity_number", row("entity_number"))
	for _, k := range []string{PropLicenseRequirement, PropLicensePolicy, "federal_register_notice", "start_date", "end_date", "standard_order", "source_list_url", "source_information_url"} {
		e.AddProperty(k, row(k))
	}
	// The listing dates do not decide a match, and the official file has
	// typos in them ("0097-06-30" on Entity List rows of May 2022): a bad
	// one is kept as text and counted, not a reason to refuse the list.
	if d := row("start_date"); d != "" {
		if date, err := entity.ParseDate(d); err != nil {
			badListing++
		} else {
			date.Text = d
			e.ListedOn = date
		}
	}
	if d := row("end_date"); d != "" {
		if _, err := entity.ParseDate(d); err != nil {
			badListing++
		}
	}
	if t := row("title"); t != "" {
		e.Titles = []string{t}
	}
	e.Remarks = row("remarks")
	for _, m := range linkedTo.FindAllStringSubmatch(e.Remarks, -1) {
		e.Relations = append(e.Relations, entity.Relation{Kind: "linked_to", Name: strings.TrimSpace(m[1])})
	}

	for _, a := range splitList(row("addresses"), false) {
		e.Addresses = append(e.Addresses, address(a))
	}
	for _, c := range splitList(row("nationalities"), true) {
		parse.AddUnique(&e.Nationalities, parse.CountryCode(c))
	}
	for _, c := range splitList(row("citizenships"), true) {
		parse.AddUnique(&e.Citizenships, parse.CountryCode(c))
	}
	for _, p := range splitList(row("places_of_birth"), false) {
		parse.AddUnique(&e.BirthPlaces, p)
	}
	for _, d := range splitList(row("dates_of_birth"), true) {
		date, ok := birthDate(d)
		if !ok {
			e.AddProperty("date_of_birth_text", d)
			badDates++
			continue
		}
		e.BirthDates = append(e.BirthDates, date)
	}
	for _, s := range splitList(row("ids"), true) {
		addID(e, s, current)
	}

	v := entity.VesselInfo{
		CallSign: row("call_sign"),
		Type:     row("vessel_type"),
		Tonnage:  row("gross_tonnage"),
		GRT:      row("gross_registered_tonnage"),
		Flag:     row("vessel_flag"),
		Owner:    row("vessel_owner"),
	}
	if v != (entity.VesselInfo{}) {
		e.Vessel = &v
		if c := country.Code(v.Flag); c != "" {
			parse.AddUnique(&e.Countries, c)
		}
	}
	return e, badDates, badListing, nil
}

// splitList splits a "; "-joined cell. Entity List cells continue one
// value with "; and ...": for names that is the last item of a list and
// "and" is dropped; for addresses it is part of the address and the value
// is not split there.
func splitList(s string, dropAnd bool) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(s, "; ") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), ";"))
		if part == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(part, "and "); ok {
			if dropAnd {
				part = strings.TrimSpace(rest)
			} else if len(out) > 0 {
				out[len(out)-1] += "; " + part
				continue
			}
		}
		out = append(out, part)
	}
	return out
}

// address reads "street, city, state, postal, ISO2"; the CSL drops empty
// parts, so only the trailing country code is certain.
func address(s string) entity.Address {
	a := entity.Address{Full: s}
	if i := strings.LastIndex(s, ", "); i >= 0 {
		last := strings.TrimSpace(s[i+2:])
		if c := country.Code(last); c != "" {
			a.Country = c
			a.CountryName = country.Name(c)
			a.Street = strings.TrimSpace(s[:i])
		}
	} else if c := country.Code(s); c != "" && len(s) == 2 {
		a.Country, a.CountryName = c, country.Name(c)
	}
	return a
}

var (
	dobRange  = regexp.MustCompile(`^(\d{4})\s*(?:to|-|–)\s*(\d{4})$`)
	dobPrefix = regexp.MustCompile(`(?i)^(circa|approximately|approx\.?|ca\.?)\s+`)
)

// birthDate reads an ISO date of birth, with the "circa 1960" and "1960 to
// 1962" forms some lists use. ok is false for any other text.
func birthDate(s string) (entity.Date, bool) {
	text := s
	circa := false
	if m := dobPrefix.FindString(s); m != "" {
		circa, s = true, s[len(m):]
	}
	if m := dobRange.FindStringSubmatch(s); m != nil {
		from, err := entity.ParseDate(m[1])
		to, _ := strconv.Atoi(m[2])
		if err != nil || to < from.Year {
			return entity.Date{}, false
		}
		from.YearTo, from.Circa, from.Text = to, circa, text
		return from, true
	}
	d, err := entity.ParseDate(s)
	if err != nil {
		return entity.Date{}, false
	}
	d.Circa, d.Text = circa, text
	return d, true
}

// idKinds maps the CSL (OFAC) identifier labels, lower-cased, to kinds.
var idKinds = []struct{ prefix, kind string }{
	{"passport", entity.IDPassport},
	{"diplomatic passport", entity.IDPassport},
	{"national id", entity.IDNationalID},
	{"cedula", entity.IDNationalID},
	{"identification number", entity.IDNationalID},
	{"personal id", entity.IDNationalID},
	{"ssn", entity.IDNationalID},
	{"tax id", entity.IDTaxID},
	{"v.a.t.", entity.IDTaxID},
	{"nit #", entity.IDTaxID},
	{"ruc #", entity.IDTaxID},
	{"rfc", entity.IDTaxID},
	{"inn", entity.IDTaxID},
	{"registration", entity.IDRegistration},
	{"business registration", entity.IDRegistration},
	{"public registration", entity.IDRegistration},
	{"company number", entity.IDRegistration},
	{"commercial registry", entity.IDRegistration},
	{"matricula mercantil", entity.IDRegistration},
	{"government gazette", entity.IDRegistration},
	{"ogrn", entity.IDRegistration},
	{"swift/bic", entity.IDSWIFT},
	{"legal entity number", entity.IDLEI},
	{"lei", entity.IDLEI},
	{"vessel registration identification", entity.IDIMO},
	{"imo", entity.IDIMO},
	{"mmsi", entity.IDMMSI},
	{"digital currency address", entity.IDCrypto},
	{"aircraft", entity.IDAircraft},
}

var imoNumber = regexp.MustCompile(`^(?i:IMO)\s*(\d{7})$`)

// addID files one ids entry. The current layout writes "type, number[,
// country]"; the 2019 layout wrote "[country, ]number, type". OFAC feature
// lines (gender, websites, secondary sanctions risk, directives) share the
// cell and go to their own fields or to Properties.
func addID(e *entity.Entity, s string, current bool) {
	parts := strings.Split(s, ", ")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 2 {
		e.AddProperty("id_text", s)
		return
	}
	var label, number, cc string
	if current {
		label, parts = parts[0], parts[1:]
		if len(parts) > 1 && isCountryCode(parts[len(parts)-1]) {
			cc, parts = parts[len(parts)-1], parts[:len(parts)-1]
		}
	} else {
		label, parts = parts[len(parts)-1], parts[:len(parts)-1]
		if len(parts) > 1 && isCountryCode(parts[0]) {
			cc, parts = parts[0], parts[1:]
		}
	}
	number = strings.Join(parts, ", ")
	l := strings.ToLower(strings.TrimSpace(label))
	switch {
	case l == "gender":
		e.Gender = strings.ToLower(number)
		return
	case l == "website":
		parse.AddUnique(&e.Websites, number)
		return
	case l == "email address":
		parse.AddUnique(&e.Emails, number)
		return
	case l == "phone number" || l == "telephone":
		parse.AddUnique(&e.Phones, number)
		return
	case strings.HasPrefix(l, "secondary sanctions risk") || strings.HasPrefix(l, "subject to secondary sanctions") ||
		(strings.HasPrefix(l, "additional sanctions information") && strings.Contains(strings.ToLower(number), "secondary sanctions")):
		e.SecondarySanctions = true
		e.AddProperty("secondary_sanctions_risk", number)
		return
	case strings.HasSuffix(l, ":") || strings.HasSuffix(l, " -") || strings.HasPrefix(l, "former vessel flag") || strings.HasPrefix(l, "vessel year of build") || strings.HasPrefix(l, "nationality of registration"):
		// A feature line, not a document: keep it under its label.
		e.AddProperty(featureKey(l), number)
		return
	}
	kind := entity.IDOther
	for _, k := range idKinds {
		if strings.HasPrefix(l, k.prefix) {
			kind = k.kind
		}
	}
	if kind == entity.IDIMO {
		if m := imoNumber.FindStringSubmatch(number); m != nil {
			number = m[1]
		}
	}
	e.Identifiers = append(e.Identifiers, entity.Identifier{Type: kind, Label: label, Number: number, Country: cc})
}

func featureKey(label string) string {
	var b strings.Builder
	for _, r := range strings.TrimRight(label, ":- ") {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

func isCountryCode(s string) bool {
	return len(s) == 2 && strings.ToUpper(s) == s && country.Code(s) != ""
}
