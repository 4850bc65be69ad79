// Package un parses the UN Security Council Consolidated List XML
// (consolidated.xml, schema sc-sanctions.xsd) into entities.
//
// It is part of the sources -> entities stage of the data flow
// (sources -> entities -> index -> screening -> decisions -> store): it
// reads the published file and hands an [entity.Dataset] to the lists
// package; it does no I/O of its own.
package un

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Source is the source id of every entity this package produces.
const Source = "un_sc"

const root = "CONSOLIDATED_LIST"

// Parse reads a whole UN consolidated.xml. SourceID is the UN reference
// number (such as "CDi.001"), or the DATAID for the rare record without
// one. Bad input gives a *parse.Error naming the file and line.
func Parse(data []byte, file string) (*entity.Dataset, error) {
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	x := parse.NewXMLReader(data, file)
	ds := &entity.Dataset{Source: Source}
	seen := make(map[string]int) // source id -> line, to refuse duplicates
	sawRoot := false
	for {
		start, off, err := x.NextStart(root)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch x.Depth() {
		case 1:
			if err := x.CheckRoot(start, root, "UN consolidated list"); err != nil {
				return nil, err
			}
			sawRoot = true
			if gen := parse.Attr(start, "dateGenerated"); gen != "" {
				d, err := entity.ParseDate(parse.FirstN(gen, 10))
				if err != nil {
					return nil, x.Errorf("dateGenerated", "%w", err)
				}
				ds.Published = d.String()
			}
		case 2:
			// INDIVIDUALS and ENTITIES hold the records; anything else at
			// this level is tolerated and skipped, as newer schema
			// versions may add sections.
		case 3:
			var typ entity.Type
			switch start.Name.Local {
			case "INDIVIDUAL":
				typ = entity.Person
			case "ENTITY":
				typ = entity.Organization
			default:
				if err := x.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			el, err := x.ReadElement(start)
			if err != nil {
				return nil, err
			}
			e, err := mapRecord(el, typ, file)
			if err != nil {
				return nil, err
			}
			if line, dup := seen[e.SourceID]; dup {
				return nil, &parse.Error{File: file, Line: el.Line, Field: "REFERENCE_NUMBER", Err: fmt.Errorf("duplicate reference number %q (first at line %d)", e.SourceID, line)}
			}
			seen[e.SourceID] = el.Line
			e.Raw = strings.TrimSpace(x.Raw(off, x.Offset()))
			ds.Entities = append(ds.Entities, e)
		}
	}
	if !sawRoot {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no %s element", parse.ErrFormat, root)}
	}
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no INDIVIDUAL or ENTITY records", parse.ErrFormat)}
	}
	return ds, nil
}

// refPattern matches UN reference numbers such as CDi.001 or QDe.115.
var refPattern = regexp.MustCompile(`\b[A-Z]{2}[ie]\.\d{3}\b`)

func mapRecord(el *parse.Element, typ entity.Type, file string) (*entity.Entity, error) {
	fail := func(field string, err error) error {
		return &parse.Error{File: file, Line: el.Line, Path: el.Name, Field: field, Err: err}
	}
	ref := el.ChildText("REFERENCE_NUMBER")
	if ref == "" {
		ref = el.ChildText("DATAID")
	}
	if ref == "" {
		return nil, fail("REFERENCE_NUMBER", errors.New("record has neither REFERENCE_NUMBER nor DATAID"))
	}
	e := &entity.Entity{ID: Source + ":" + ref, Source: Source, SourceID: ref, Type: typ}

	var parts []string
	for _, f := range []string{"FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"} {
		if v := parse.Clean(el.ChildText(f)); v != "" {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 {
		return nil, fail("FIRST_NAME", fmt.Errorf("record %s has no name", ref))
	}
	primary := entity.Name{Full: strings.Join(parts, " "), Kind: entity.NamePrimary, Quality: entity.Strong, Script: parse.NonLatinScript(strings.Join(parts, " "))}
	// Only a two-part individual name says clearly which part is the
	// family name; longer UN names follow patronymic or tribal orders.
	if typ == entity.Person && len(parts) == 2 {
		primary.Given, primary.Family = parts[0], parts[1]
	}
	e.Name = primary.Full
	e.Names = []entity.Name{primary}

	if orig := parse.Clean(el.ChildText("NAME_ORIGINAL_SCRIPT")); orig != "" {
		e.AddName(entity.Name{Full: orig, Kind: entity.NameAlias, Quality: entity.Strong, Script: parse.Script(orig), Note: "original script"})
	}
	for _, a := range append(el.All("INDIVIDUAL_ALIAS"), el.All("ENTITY_ALIAS")...) {
		name := parse.Clean(a.ChildText("ALIAS_NAME"))
		if name == "" {
			continue
		}
		n := entity.Name{Full: name, Kind: entity.NameAlias, Quality: entity.Strong, Script: parse.NonLatinScript(name)}
		switch q := strings.ToLower(a.ChildText("QUALITY")); q {
		case "low":
			n.Quality = entity.Weak
		case "f.k.a.", "fka":
			n.Kind = entity.NameFormer
		case "good", "a.k.a.", "aka", "":
		default:
			return nil, fail("QUALITY", fmt.Errorf("unknown alias quality %q", q))
		}
		var notes []string
		for _, f := range []string{"DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH", "NOTE"} {
			if v := a.ChildText(f); v != "" {
				notes = append(notes, strings.ToLower(strings.ReplaceAll(f, "_", " "))+": "+v)
			}
		}
		n.Note = strings.Join(notes, "; ")
		e.AddName(n)
	}

	if g := strings.ToLower(el.ChildText("GENDER")); g != "" {
		e.Gender = g
	}
	for _, v := range el.Path("TITLE", "VALUE") {
		if v.Text != "" {
			e.Titles = append(e.Titles, v.Text)
		}
	}
	for _, v := range el.Path("DESIGNATION", "VALUE") {
		if v.Text != "" {
			e.Positions = append(e.Positions, v.Text)
		}
	}
	for _, v := range el.Path("NATIONALITY", "VALUE") {
		if v.Text != "" {
			e.Nationalities = append(e.Nationalities, parse.CountryCode(v.Text))
		}
	}
	for _, d := range el.All("INDIVIDUAL_DATE_OF_BIRTH") {
		date, ok, err := birthDate(d)
		if err != nil {
			return nil, fail("INDIVIDUAL_DATE_OF_BIRTH", err)
		}
		if ok {
			e.BirthDates = append(e.BirthDates, date)
		}
	}
	for _, p := range el.All("INDIVIDUAL_PLACE_OF_BIRTH") {
		if s := parse.JoinNonEmpty(", ", p.ChildText("CITY"), p.ChildText("STATE_PROVINCE"), p.ChildText("COUNTRY"), p.ChildText("NOTE")); s != "" {
			e.BirthPlaces = append(e.BirthPlaces, s)
		}
	}
	for _, a := range append(el.All("INDIVIDUAL_ADDRESS"), el.All("ENTITY_ADDRESS")...) {
		addr := entity.Address{
			Street:      a.ChildText("STREET"),
			City:        a.ChildText("CITY"),
			Region:      a.ChildText("STATE_PROVINCE"),
			PostalCode:  a.ChildText("ZIP_CODE"),
			CountryName: a.ChildText("COUNTRY"),
			Note:        a.ChildText("NOTE"),
		}
		addr.Country = country.Code(addr.CountryName)
		addr.Full = parse.JoinNonEmpty(", ", addr.Street, addr.City, addr.Region, addr.PostalCode, addr.CountryName)
		if addr.Full == "" && addr.Note == "" {
			continue
		}
		e.Addresses = append(e.Addresses, addr)
	}
	for _, d := range el.All("INDIVIDUAL_DOCUMENT") {
		id, ok, err := document(d)
		if err != nil {
			return nil, fail("INDIVIDUAL_DOCUMENT", err)
		}
		if ok {
			e.Identifiers = append(e.Identifiers, id)
		}
	}

	// UN_LIST_TYPE names the sanctions regime (DPRK, Al-Qaida...);
	// LIST_TYPE is "UN List" throughout today's file but is kept as
	// published in case the UN starts using it.
	for _, p := range append([]string{el.ChildText("UN_LIST_TYPE")}, texts(el.Path("LIST_TYPE", "VALUE"))...) {
		if p != "" && !slices.Contains(e.Programs, p) {
			e.Programs = append(e.Programs, p)
		}
	}
	if on := el.ChildText("LISTED_ON"); on != "" {
		d, err := entity.ParseDate(parse.FirstN(on, 10))
		if err != nil {
			return nil, fail("LISTED_ON", err)
		}
		d.Text = on
		e.ListedOn = d
	}
	e.Remarks = el.ChildText("COMMENTS1")
	for _, m := range refPattern.FindAllString(e.Remarks, -1) {
		if m == ref || hasRelation(e, Source+":"+m) {
			continue
		}
		e.Relations = append(e.Relations, entity.Relation{Kind: "linked_to", EntityID: Source + ":" + m})
	}
	e.AddProperty("un_reference", el.ChildText("REFERENCE_NUMBER"))
	e.AddProperty("dataid", el.ChildText("DATAID"))
	e.AddProperty("version", el.ChildText("VERSIONNUM"))
	for _, v := range el.Path("LAST_DAY_UPDATED", "VALUE") {
		e.AddProperty("last_updated", v.Text)
	}
	return e, nil
}

// birthDate maps one INDIVIDUAL_DATE_OF_BIRTH. ok is false for the empty
// element the UN publishes when the date is unknown.
func birthDate(el *parse.Element) (d entity.Date, ok bool, err error) {
	kind := strings.ToUpper(el.ChildText("TYPE_OF_DATE"))
	date, year := el.ChildText("DATE"), el.ChildText("YEAR")
	from, to := el.ChildText("FROM_YEAR"), el.ChildText("TO_YEAR")
	switch {
	case date != "":
		d, err = entity.ParseDate(parse.FirstN(date, 10))
		d.Text = date
	case year != "":
		d, err = entity.ParseDate(year)
		d.Text = year
	case from != "" || to != "":
		if from == "" {
			from = to
		}
		if to == "" {
			to = from
		}
		d, err = entity.ParseDate(from)
		if err == nil {
			var n int
			n, err = strconv.Atoi(to)
			if err == nil && (n < d.Year || n > 9999) {
				err = fmt.Errorf("year range %s-%s out of order", from, to)
			}
			d.YearTo = n
		}
		d.Text = from + "-" + to
	default:
		return d, false, nil
	}
	if err != nil {
		return entity.Date{}, false, err
	}
	switch kind {
	case "APPROXIMATELY":
		d.Circa = true
	case "EXACT", "BETWEEN", "":
	default:
		return entity.Date{}, false, fmt.Errorf("unknown TYPE_OF_DATE %q", kind)
	}
	if note := el.ChildText("NOTE"); note != "" {
		d.Text += " (" + note + ")"
	}
	return d, true, nil
}

// document maps one INDIVIDUAL_DOCUMENT. ok is false for the empty element.
func document(el *parse.Element) (id entity.Identifier, ok bool, err error) {
	t1, t2 := el.ChildText("TYPE_OF_DOCUMENT"), el.ChildText("TYPE_OF_DOCUMENT2")
	id = entity.Identifier{
		Type:   idType(t1 + " " + t2),
		Label:  parse.JoinNonEmpty(" / ", t1, t2),
		Number: el.ChildText("NUMBER"),
		Issued: el.ChildText("DATE_OF_ISSUE"),
		Note:   parse.JoinNonEmpty("; ", el.ChildText("CITY_OF_ISSUE"), el.ChildText("NOTE")),
	}
	issuer := el.ChildText("ISSUING_COUNTRY")
	if issuer == "" {
		issuer = el.ChildText("COUNTRY_OF_ISSUE")
	}
	id.Country = parse.CountryCode(issuer)
	if id.Number == "" {
		if id.Label == "" && id.Note == "" && issuer == "" {
			return id, false, nil
		}
		// A few UN documents state only a type and a note ("number
		// unknown"); keep them so the analyst sees the document exists.
		id.Number = "unknown"
	}
	return id, true, nil
}

// idType maps the free-text UN document labels (English, French and
// Spanish) to the entity identifier kinds.
func idType(label string) string {
	l := strings.ToLower(label)
	switch {
	case strings.Contains(l, "passport") || strings.Contains(l, "passeport") || strings.Contains(l, "pasaporte"):
		return entity.IDPassport
	case strings.Contains(l, "fiscal") || strings.Contains(l, "tax"):
		return entity.IDTaxID
	case strings.Contains(l, "national") || strings.Contains(l, "identi") || strings.Contains(l, "social security") || strings.Contains(l, "tazkira"):
		return entity.IDNationalID
	case strings.Contains(l, "registration"):
		return entity.IDRegistration
	}
	return entity.IDOther
}

func texts(els []*parse.Element) []string {
	out := make([]string, len(els))
	for i, el := range els {
		out[i] = el.Text
	}
	return out
}

func hasRelation(e *entity.Entity, id string) bool {
	for _, r := range e.Relations {
		if r.EntityID == id {
			return true
		}
	}
	return false
}
