// Package uk parses the UK Sanctions List published by the FCDO, the sole
// official UK list since 28 January 2026, in its XML and CSV forms.
//
// It is part of the sources -> entities stage of the data flow
// (sources -> entities -> index -> screening -> decisions -> store). Both
// forms are read into the same small tree, shaped like the XML Designation
// element, and one function maps that tree to an [entity.Entity], so the
// two files give the same entities.
package uk

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Source is the source id of every entity this package produces.
const Source = "gb_fcdo"

// mapDesignation turns one Designation tree into an entity. Raw is left
// to the caller.
func mapDesignation(el *parse.Element, file string) (*entity.Entity, error) {
	fail := func(field string, err error) error {
		return &parse.Error{File: file, Line: el.Line, Path: "Designation", Field: field, Err: err}
	}
	id := el.ChildText("UniqueID")
	if id == "" {
		return nil, fail("UniqueID", errors.New("designation has no UniqueID"))
	}
	e := &entity.Entity{ID: Source + ":" + id, Source: Source, SourceID: id}
	switch kind := el.ChildText("IndividualEntityShip"); strings.ToLower(kind) {
	case "individual":
		e.Type = entity.Person
	case "entity":
		e.Type = entity.Organization
	case "ship":
		e.Type = entity.Vessel
	case "":
	default:
		return nil, fail("IndividualEntityShip", fmt.Errorf("unknown designation type %q", kind))
	}

	if err := addNames(e, el); err != nil {
		return nil, fail("Names", err)
	}
	for _, t := range el.Path("Titles", "Title") {
		parse.AddUnique(&e.Titles, t.Text)
	}
	if r := el.ChildText("RegimeName"); r != "" {
		e.Programs = []string{r}
	}
	if d := el.ChildText("DateDesignated"); d != "" {
		date, err := parseDate(d)
		if err != nil {
			return nil, fail("DateDesignated", err)
		}
		e.ListedOn = date
	}
	e.Remarks = el.ChildText("OtherInformation")
	e.AddProperty("un_reference", el.ChildText("UNReferenceNumber"))
	e.AddProperty("designation_source", el.ChildText("DesignationSource"))
	e.AddProperty("ofsi_group_id", el.ChildText("OFSIGroupID"))
	e.AddProperty("last_updated", el.ChildText("LastUpdated"))
	e.AddProperty("statement_of_reasons", el.ChildText("UKStatementofReasons"))
	for _, s := range strings.Split(el.ChildText("SanctionsImposed"), "|") {
		e.AddProperty("sanctions_imposed", s)
	}
	if ind := el.Child("SanctionsImposedIndicators"); ind != nil {
		for _, c := range ind.Children {
			if strings.EqualFold(c.Text, "true") {
				e.AddProperty("sanctions_indicators", c.Name)
			}
		}
	}

	for _, a := range el.Path("Addresses", "Address") {
		if addr, ok := address(a); ok {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, p := range el.Path("PhoneNumbers", "PhoneNumber") {
		parse.AddUnique(&e.Phones, p.Text)
	}
	for _, p := range el.Path("EmailAddresses", "EmailAddress") {
		parse.AddUnique(&e.Emails, p.Text)
	}
	for _, p := range el.Path("Websites", "Website") {
		parse.AddUnique(&e.Websites, p.Text)
	}

	for _, ind := range el.Path("IndividualDetails", "Individual") {
		for _, d := range ind.Path("DOBs", "DOB") {
			if d.Text == "" {
				continue
			}
			date, err := parseDate(d.Text)
			if err != nil {
				return nil, fail("DOB", err)
			}
			if !containsDate(e.BirthDates, date) {
				e.BirthDates = append(e.BirthDates, date)
			}
		}
		for _, n := range ind.Path("Nationalities", "Nationality") {
			parse.AddUnique(&e.Nationalities, parse.CountryCode(n.Text))
		}
		for _, g := range ind.Path("Genders", "Gender") {
			if e.Gender == "" {
				e.Gender = strings.ToLower(g.Text)
			}
		}
		for _, p := range ind.Path("Positions", "Position") {
			parse.AddUnique(&e.Positions, p.Text)
		}
		for _, p := range ind.Path("PassportDetails", "Passport") {
			addID(e, entity.Identifier{Type: entity.IDPassport, Label: "Passport", Number: p.ChildText("PassportNumber"), Note: p.ChildText("PassportAdditionalInformation")})
		}
		for _, p := range ind.Path("NationalIdentifierDetails", "NationalIdentifier") {
			addID(e, entity.Identifier{Type: entity.IDNationalID, Label: "National identifier", Number: p.ChildText("NationalIdentifierNumber"), Note: p.ChildText("NationalIdentifierAdditionalInformation")})
		}
		for _, l := range ind.Path("BirthDetails", "Location") {
			parse.AddUnique(&e.BirthPlaces, parse.JoinNonEmpty(", ", l.ChildText("TownOfBirth"), l.ChildText("CountryOfBirth")))
		}
	}

	for _, ent := range el.Path("EntityDetails", "Entity") {
		for _, t := range ent.Path("TypeOfEntities", "TypeOfEntity") {
			e.AddProperty("entity_type", t.Text)
		}
		for _, r := range ent.Path("BusinessRegistrationNumbers", "BusinessRegistrationNumber") {
			addID(e, entity.Identifier{Type: entity.IDRegistration, Label: "Business registration number", Number: r.Text})
		}
		for _, p := range ent.Path("ParentCompanies", "ParentCompany") {
			addRelation(e, "parent", p.Text)
		}
		for _, s := range ent.Path("Subsidiaries", "Subsidiary") {
			addRelation(e, "subsidiary", s.Text)
		}
	}

	for _, ship := range el.Path("ShipDetails", "Ship") {
		v := e.Vessel
		if v == nil {
			v = &entity.VesselInfo{}
		}
		for _, n := range ship.Path("IMONumbers", "IMONumber") {
			addID(e, imo(n.Text))
		}
		v.Owner = joinTexts(v.Owner, ship.Path("CurrentOwnerOperators", "CurrentOwnerOperator"))
		v.Flag = joinTexts(v.Flag, ship.Path("CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"))
		for _, f := range ship.Path("CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip") {
			if c := country.Code(f.Text); c != "" {
				parse.AddUnique(&e.Countries, c)
			}
		}
		v.Type = joinTexts(v.Type, ship.Path("TypeOfShipDetails", "TypeOfShip"))
		v.Tonnage = joinTexts(v.Tonnage, ship.Path("TonnageOfShipDetails", "TonnageOfShip"))
		v.BuildYear = joinTexts(v.BuildYear, ship.Path("YearBuiltDetails", "YearBuilt"))
		for _, f := range ship.Path("PreviousFlags", "PreviousFlag") {
			e.AddProperty("previous_flags", f.Text)
		}
		for _, o := range ship.Path("PreviousOwnerOperators", "PreviousOwnerOperator") {
			e.AddProperty("previous_owner_operators", o.Text)
		}
		for _, l := range ship.Path("LengthOfShipDetails", "LengthOfShip") {
			e.AddProperty("ship_length", l.Text)
		}
		for _, h := range ship.Path("HullIdentificationNumbers", "HullIdentificationNumber") {
			e.AddProperty("hull_identification_number", h.Text)
		}
		if *v != (entity.VesselInfo{}) {
			e.Vessel = v
		}
	}
	return e, nil
}

// addNames maps Names/Name and NonLatinNames. Name6 is the family name of
// a person and the whole name of an entity or ship; Name1 to Name5 are
// the other parts, in order.
func addNames(e *entity.Entity, el *parse.Element) error {
	var names []entity.Name
	primary := -1
	for _, n := range el.Path("Names", "Name") {
		given := joinParts(n, "Name1", "Name2", "Name3", "Name4", "Name5")
		family := parse.Clean(n.ChildText("Name6"))
		full := parse.JoinNonEmpty(" ", given, family)
		if full == "" {
			continue
		}
		name := entity.Name{Full: full, Kind: entity.NameAlias, Quality: entity.Strong, Script: parse.NonLatinScript(full)}
		if e.Type == entity.Person || (given != "" && family != "") {
			name.Given, name.Family = given, family
		}
		switch typ := strings.ToLower(n.ChildText("NameType")); typ {
		case "primary name":
			if primary < 0 {
				primary = len(names)
			}
		case "primary name variation", "alias", "":
		default:
			return fmt.Errorf("unknown name type %q", typ)
		}
		strength := strings.ToLower(n.ChildText("AliasStrength"))
		if strings.Contains(strength, "low") || strings.Contains(strength, "weak") {
			name.Quality = entity.Weak
		}
		if strength != "" {
			name.Note = n.ChildText("AliasStrength")
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return errors.New("designation has no name")
	}
	if primary < 0 {
		primary = 0
	}
	p := names[primary]
	p.Kind, p.Quality = entity.NamePrimary, entity.Strong
	e.Name, e.Names = p.Full, []entity.Name{p}
	for i, n := range names {
		if i != primary {
			e.AddName(n)
		}
	}
	for _, n := range el.Path("NonLatinNames", "NonLatinName") {
		full := parse.Clean(n.ChildText("NameNonLatinScript"))
		if full == "" {
			continue
		}
		e.AddName(entity.Name{
			Full: full, Kind: entity.NameAlias, Quality: entity.Strong,
			Script: parse.Script(full),
			Lang:   n.ChildText("NonLatinScriptLanguage"),
			Note:   n.ChildText("NonLatinScriptType"),
		})
	}
	return nil
}

func address(a *parse.Element) (entity.Address, bool) {
	lines := make([]string, 6)
	for i := range lines {
		lines[i] = a.ChildText("AddressLine" + strconv.Itoa(i+1))
	}
	addr := entity.Address{
		Street:      parse.JoinNonEmpty(", ", lines[:4]...),
		City:        lines[4],
		Region:      lines[5],
		PostalCode:  a.ChildText("AddressPostalCode"),
		CountryName: a.ChildText("AddressCountry"),
	}
	// The last filled line is usually the town when line 5 is empty.
	if addr.City == "" {
		addr.City, addr.Region = addr.Region, ""
	}
	addr.Country = country.Code(addr.CountryName)
	addr.Full = parse.JoinNonEmpty(", ", append(lines, addr.PostalCode, addr.CountryName)...)
	return addr, addr.Full != ""
}

var imoPattern = regexp.MustCompile(`^(?i:IMO)?\s*(\d{7})$`)

// imo keeps the seven digits of an IMO number, the form screening
// compares, and the published text in Label when it differs.
func imo(s string) entity.Identifier {
	id := entity.Identifier{Type: entity.IDIMO, Label: "IMO number", Number: strings.TrimSpace(s)}
	if m := imoPattern.FindStringSubmatch(id.Number); m != nil && m[1] != id.Number {
		id.Note = id.Number
		id.Number = m[1]
	}
	return id
}

var datePattern = regexp.MustCompile(`^(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})$`)

// parseDate reads the UK dd/mm/yyyy dates, including the partial forms
// "dd/mm/1945" and "1946" the list uses for unknown parts.
func parseDate(s string) (entity.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) == 4 {
		d, err := entity.ParseDate(s)
		d.Text = s
		return d, err
	}
	m := datePattern.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return entity.Date{}, fmt.Errorf("date %q: want dd/mm/yyyy", s)
	}
	d := entity.Date{Text: s}
	d.Year, _ = strconv.Atoi(m[3])
	if m[2] != "mm" {
		d.Month, _ = strconv.Atoi(m[2])
		if m[1] != "dd" {
			d.Day, _ = strconv.Atoi(m[1])
		}
	}
	if err := d.Validate(); err != nil {
		return entity.Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return d, nil
}

func addID(e *entity.Entity, id entity.Identifier) {
	if id.Number == "" {
		return
	}
	for _, old := range e.Identifiers {
		if old == id {
			return // the UK file repeats some passports verbatim
		}
	}
	e.Identifiers = append(e.Identifiers, id)
}

func addRelation(e *entity.Entity, kind, name string) {
	if name = strings.TrimSpace(name); name == "" {
		return
	}
	r := entity.Relation{Kind: kind, Name: name}
	for _, old := range e.Relations {
		if old == r {
			return
		}
	}
	e.Relations = append(e.Relations, r)
}

func joinTexts(prev string, els []*parse.Element) string {
	parts := []string{prev}
	for _, el := range els {
		parts = append(parts, el.Text)
	}
	return parse.JoinNonEmpty("; ", parts...)
}

func joinParts(el *parse.Element, names ...string) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, parse.Clean(el.ChildText(n)))
	}
	return parse.JoinNonEmpty(" ", parts...)
}

func containsDate(list []entity.Date, d entity.Date) bool {
	for _, v := range list {
		if v == d {
			return true
		}
	}
	return false
}
