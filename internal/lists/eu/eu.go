// Package eu parses the EU Financial Sanctions Files (FSF), the
// consolidated list of persons, groups and entities subject to EU financial
// sanctions, in its XML 1.1 and CSV 1.1 forms.
//
// It is part of the sources -> entities stage of the data flow
// (sources -> entities -> index -> screening -> decisions -> store). Both
// forms are first read into the same small tree, shaped like the XML
// sanctionEntity element, and one function maps that tree to an
// [entity.Entity], so the two files give the same entities.
package eu

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Source is the source id of every entity this package produces.
const Source = "eu_fsf"

// mapEntity turns one sanctionEntity tree into an entity. Raw is left to
// the caller.
func mapEntity(el *parse.Element, file string) (*entity.Entity, error) {
	fail := func(field string, err error) error {
		return &parse.Error{File: file, Line: el.Line, Path: "sanctionEntity", Field: field, Err: err}
	}
	id := el.Attr("logicalId")
	if id == "" {
		return nil, fail("logicalId", errors.New("sanctionEntity has no logicalId"))
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return nil, fail("logicalId", fmt.Errorf("logicalId %q is not a number", id))
	}
	e := &entity.Entity{ID: Source + ":" + id, Source: Source, SourceID: id}

	if st := el.Child("subjectType"); st != nil {
		code := st.Attr("code")
		if code == "" {
			code = st.Attr("classificationCode")
		}
		t, ok := entity.ParseType(code)
		if !ok && code != "" {
			return nil, fail("subjectType", fmt.Errorf("unknown subject type %q", code))
		}
		e.Type = t
	}

	names := el.All("nameAlias")
	var mapped []entity.Name
	for _, n := range names {
		name, ok := aliasName(n)
		if !ok {
			continue
		}
		mapped = append(mapped, name)
		if g := gender(n.Attr("gender")); g != "" && e.Gender == "" {
			e.Gender = g
		}
		if t := n.Attr("title"); t != "" && !contains(e.Titles, t) {
			e.Titles = append(e.Titles, t)
		}
		// For a person @function is a post held; for an enterprise it
		// describes the business, which is no position.
		if f := n.Attr("function"); f != "" && e.Type == entity.Person && !contains(e.Positions, f) {
			e.Positions = append(e.Positions, f)
		} else if f != "" && e.Type != entity.Person && !contains(e.Properties["function"], f) {
			e.AddProperty("function", f)
		}
	}
	if len(mapped) == 0 {
		return nil, fail("nameAlias", fmt.Errorf("entity %s has no name", id))
	}
	p := primaryIndex(mapped)
	primary := mapped[p]
	primary.Kind, primary.Quality = entity.NamePrimary, entity.Strong
	e.Name, e.Names = primary.Full, []entity.Name{primary}
	for i, n := range mapped {
		if i != p {
			e.AddName(n)
		}
	}

	for _, c := range el.All("citizenship") {
		if code := countryOf(c); code != "" && !contains(e.Citizenships, code) {
			e.Citizenships = append(e.Citizenships, code)
		}
	}
	for _, b := range el.All("birthdate") {
		d, ok, err := birthDate(b)
		if err != nil {
			return nil, fail("birthdate", err)
		}
		if ok && !containsDate(e.BirthDates, d) {
			e.BirthDates = append(e.BirthDates, d)
		}
		if ok && b.Attr("calendarType") != "" && !strings.EqualFold(b.Attr("calendarType"), "GREGORIAN") {
			e.AddProperty("birth_date_"+strings.ToLower(b.Attr("calendarType")), parse.JoinNonEmpty("-", b.Attr("year"), b.Attr("monthOfYear"), b.Attr("dayOfMonth")))
		}
		desc := b.Attr("countryDescription")
		if strings.EqualFold(desc, "UNKNOWN") {
			desc = ""
		}
		city := b.Attr("city")
		if city == "-" {
			city = ""
		}
		if place := parse.JoinNonEmpty(", ", city, b.Attr("place"), b.Attr("region"), desc); place != "" && !contains(e.BirthPlaces, place) {
			e.BirthPlaces = append(e.BirthPlaces, place)
		}
	}
	for _, a := range el.All("address") {
		addr := entity.Address{
			Street:      parse.Clean(a.Attr("street")),
			City:        a.Attr("city"),
			Region:      a.Attr("region"),
			PostalCode:  parse.JoinNonEmpty(" ", a.Attr("zipCode")),
			CountryName: a.Attr("countryDescription"),
			Note:        parse.JoinNonEmpty("; ", poBox(a.Attr("poBox")), a.Attr("place"), a.ChildText("remark")),
		}
		if strings.EqualFold(addr.CountryName, "UNKNOWN") {
			addr.CountryName = ""
		}
		addr.Country = countryOf(a)
		addr.Full = parse.JoinNonEmpty(", ", addr.Street, poBox(a.Attr("poBox")), addr.City, addr.Region, addr.PostalCode, a.Attr("place"), addr.CountryName)
		for _, ci := range a.All("contactInfo") {
			addContact(e, ci.Attr("key"), ci.Attr("value"))
		}
		if addr.Full != "" || addr.Note != "" {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, i := range el.All("identification") {
		id, ok := identifier(i)
		if ok {
			e.Identifiers = append(e.Identifiers, id)
		}
	}
	for _, r := range el.All("regulation") {
		if prog := r.Attr("programme"); prog != "" && !contains(e.Programs, prog) {
			e.Programs = append(e.Programs, prog)
		}
		e.AddProperty("regulation", parse.JoinNonEmpty(" ", r.Attr("numberTitle")))
		e.AddProperty("regulation_url", r.ChildText("publicationUrl"))
	}
	if d := el.Attr("designationDate"); d != "" {
		date, err := entity.ParseDate(d)
		if err != nil {
			return nil, fail("designationDate", err)
		}
		date.Text = d
		e.ListedOn = date
	}
	var remarks []string
	for _, r := range el.All("remark") {
		if r.Text != "" {
			remarks = append(remarks, r.Text)
		}
	}
	e.Remarks = strings.Join(remarks, "\n")
	e.AddProperty("designation_details", el.Attr("designationDetails"))
	e.AddProperty("un_reference", el.Attr("unitedNationId"))
	e.AddProperty("eu_reference", el.Attr("euReferenceNumber"))
	return e, nil
}

// aliasName maps one nameAlias. EU files mark weak aliases with
// strong="false"; older entries say so only in the alias remark ("low
// quality alias"), so that is honoured too.
func aliasName(n *parse.Element) (entity.Name, bool) {
	first := parse.Clean(parse.JoinNonEmpty(" ", n.Attr("firstName"), n.Attr("middleName")))
	last := parse.Clean(n.Attr("lastName"))
	full := parse.Clean(n.Attr("wholeName"))
	if full == "" {
		full = parse.JoinNonEmpty(" ", first, last)
	}
	if full == "" {
		return entity.Name{}, false
	}
	remark := n.ChildText("remark")
	name := entity.Name{
		Full:    full,
		Kind:    entity.NameAlias,
		Quality: entity.Strong,
		Lang:    strings.ToLower(n.Attr("nameLanguage")),
		Given:   first,
		Family:  last,
		Script:  parse.NonLatinScript(full),
		Note:    remark,
	}
	if strings.EqualFold(n.Attr("strong"), "false") || strings.Contains(strings.ToLower(remark), "low quality") {
		name.Quality = entity.Weak
	}
	return name, true
}

// primaryIndex picks the name to show first. The EU marks no name as
// primary; the listed name is usually the strong one split into first and
// last name, in English or with no language, so that one wins, and the
// first in file order breaks ties.
func primaryIndex(names []entity.Name) int {
	best, bestScore := 0, -1
	for i, n := range names {
		score := 0
		if n.Quality == entity.Strong {
			score += 4
		}
		if n.Family != "" {
			score += 2
		}
		if n.Lang == "" || n.Lang == "en" {
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// birthDate maps one birthdate. The @birthdate attribute is always
// Gregorian; the day, month and year attributes follow @calendarType, so
// they are used only for Gregorian entries.
func birthDate(b *parse.Element) (d entity.Date, ok bool, err error) {
	gregorian := b.Attr("calendarType") == "" || strings.EqualFold(b.Attr("calendarType"), "GREGORIAN")
	switch {
	case b.Attr("birthdate") != "":
		d, err = entity.ParseDate(b.Attr("birthdate"))
		d.Text = b.Attr("birthdate")
	case b.Attr("year") != "" && gregorian:
		var y, m, day int
		if y, err = atoi(b.Attr("year")); err == nil {
			if m, err = atoi(b.Attr("monthOfYear")); err == nil {
				day, err = atoi(b.Attr("dayOfMonth"))
			}
		}
		if err == nil {
			d = entity.Date{Year: y, Month: m, Day: day}
			err = d.Validate()
			d.Text = d.String()
		}
	case b.Attr("yearRangeFrom") != "" || b.Attr("yearRangeTo") != "":
		from, to := b.Attr("yearRangeFrom"), b.Attr("yearRangeTo")
		if from == "" {
			from = to
		}
		if to == "" {
			to = from
		}
		d, err = entity.ParseDate(from)
		if err == nil {
			var n int
			n, err = atoi(to)
			if err == nil && n < d.Year {
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
	d.Circa = strings.EqualFold(b.Attr("circa"), "true")
	return d, true, nil
}

// idTypes maps the EU identificationTypeCode values to identifier kinds.
var idTypes = map[string]string{
	"passport":   entity.IDPassport,
	"id":         entity.IDNationalID,
	"regnumber":  entity.IDRegistration,
	"fiscalcode": entity.IDTaxID,
	"tax":        entity.IDTaxID,
	"swiftbic":   entity.IDSWIFT,
	"imo":        entity.IDIMO,
	"ssn":        entity.IDNationalID,
	"birthcert":  entity.IDOther,
	"drivinglic": entity.IDOther,
	"travel":     entity.IDPassport,
	"other":      entity.IDOther,
}

func identifier(i *parse.Element) (entity.Identifier, bool) {
	number := i.Attr("number")
	if number == "" {
		number = i.Attr("latinNumber")
	}
	if number == "" {
		return entity.Identifier{}, false
	}
	code := strings.ToLower(i.Attr("identificationTypeCode"))
	typ, ok := idTypes[code]
	if !ok {
		typ = entity.IDOther
	}
	var flags []string
	for _, f := range []struct{ attr, text string }{
		{"knownFalse", "known false"}, {"knownExpired", "known expired"}, {"reportedLost", "reported lost"},
		{"revokedByIssuer", "revoked by issuer"}, {"diplomatic", "diplomatic"},
	} {
		if strings.EqualFold(i.Attr(f.attr), "true") {
			flags = append(flags, f.text)
		}
	}
	var extra []string
	if v := i.Attr("issuedBy"); v != "" {
		extra = append(extra, "issued by "+v)
	}
	if v := i.Attr("nameOnDocument"); v != "" {
		extra = append(extra, "name on document: "+v)
	}
	if v := i.Attr("latinNumber"); v != "" && v != number {
		extra = append(extra, "latin number: "+v)
	}
	if v := i.Attr("region"); v != "" {
		extra = append(extra, "region: "+v)
	}
	return entity.Identifier{
		Type:    typ,
		Label:   parse.JoinNonEmpty(" ", i.Attr("identificationTypeDescription")),
		Number:  number,
		Country: countryOf(i),
		Issued:  i.Attr("issueDate"),
		Expires: i.Attr("validTo"),
		Note:    parse.JoinNonEmpty("; ", strings.Join(flags, ", "), strings.Join(extra, "; "), i.ChildText("remark")),
	}, true
}

// addContact files one address contactInfo entry. Phone values often hold
// several numbers joined by "; ".
func addContact(e *entity.Entity, key, value string) {
	var values []string
	for _, v := range strings.Split(value, ";") {
		if v = strings.TrimSpace(v); v != "" {
			values = append(values, v)
		}
	}
	for _, v := range values {
		switch strings.ToUpper(strings.TrimSpace(key)) {
		case "WEB", "WEBSITE", "URL":
			if !contains(e.Websites, v) {
				e.Websites = append(e.Websites, v)
			}
		case "PHONE", "TEL", "TELEPHONE", "MOBILE":
			if !contains(e.Phones, v) {
				e.Phones = append(e.Phones, v)
			}
		case "EMAIL", "E-MAIL":
			if !contains(e.Emails, v) {
				e.Emails = append(e.Emails, v)
			}
		default:
			e.AddProperty("contact_"+strings.ToLower(strings.TrimSpace(key)), v)
		}
	}
}

// countryOf returns the ISO code of an element's countryIso2Code, falling
// back to its countryDescription. The EU writes "00" for unknown.
func countryOf(el *parse.Element) string {
	if c := country.Code(el.Attr("countryIso2Code")); c != "" {
		return c
	}
	return country.Code(el.Attr("countryDescription"))
}

func gender(s string) string {
	switch strings.ToUpper(s) {
	case "M":
		return "male"
	case "F":
		return "female"
	}
	return strings.ToLower(s)
}

func poBox(s string) string {
	if s == "" {
		return ""
	}
	return "PO Box " + s
}

func atoi(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsDate(list []entity.Date, d entity.Date) bool {
	for _, v := range list {
		if v.String() == d.String() && v.Circa == d.Circa {
			return true
		}
	}
	return false
}
