package uk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Columns are matched by a folded header name: lower case, letters and
// digits only, so "Nationality(/ies)" is "nationalityies" and "Business
// registration number (s)" is "businessregistrationnumbers".

// single maps the columns that hold one value per designation to the
// Designation child of the same meaning.
var single = map[string]string{
	"lastupdated":          "LastUpdated",
	"uniqueid":             "UniqueID",
	"ofsigroupid":          "OFSIGroupID",
	"unreferencenumber":    "UNReferenceNumber",
	"regimename":           "RegimeName",
	"designationtype":      "IndividualEntityShip",
	"designationsource":    "DesignationSource",
	"sanctionsimposed":     "SanctionsImposed",
	"otherinformation":     "OtherInformation",
	"ukstatementofreasons": "UKStatementofReasons",
	"datedesignated":       "DateDesignated",
}

// lists maps the columns whose values accumulate over an entity's rows to
// the XML path of each value.
var lists = map[string][]string{
	"title":                       {"Titles", "Title"},
	"phonenumber":                 {"PhoneNumbers", "PhoneNumber"},
	"website":                     {"Websites", "Website"},
	"emailaddress":                {"EmailAddresses", "EmailAddress"},
	"dob":                         {"IndividualDetails", "Individual", "DOBs", "DOB"},
	"nationalityies":              {"IndividualDetails", "Individual", "Nationalities", "Nationality"},
	"position":                    {"IndividualDetails", "Individual", "Positions", "Position"},
	"gender":                      {"IndividualDetails", "Individual", "Genders", "Gender"},
	"typeofentity":                {"EntityDetails", "Entity", "TypeOfEntities", "TypeOfEntity"},
	"subsidiaries":                {"EntityDetails", "Entity", "Subsidiaries", "Subsidiary"},
	"parentcompany":               {"EntityDetails", "Entity", "ParentCompanies", "ParentCompany"},
	"businessregistrationnumbers": {"EntityDetails", "Entity", "BusinessRegistrationNumbers", "BusinessRegistrationNumber"},
	"imonumber":                   {"ShipDetails", "Ship", "IMONumbers", "IMONumber"},
	"currentowneroperators":       {"ShipDetails", "Ship", "CurrentOwnerOperators", "CurrentOwnerOperator"},
	"previousowneroperators":      {"ShipDetails", "Ship", "PreviousOwnerOperators", "PreviousOwnerOperator"},
	"currentbelievedflagofship":   {"ShipDetails", "Ship", "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"},
	"previousflags":               {"ShipDetails", "Ship", "PreviousFlags", "PreviousFlag"},
	"typeofship":                  {"ShipDetails", "Ship", "TypeOfShipDetails", "TypeOfShip"},
	"tonnageofship":               {"ShipDetails", "Ship", "TonnageOfShipDetails", "TonnageOfShip"},
	"lengthofship":                {"ShipDetails", "Ship", "LengthOfShipDetails", "LengthOfShip"},
	"yearbuilt":                   {"ShipDetails", "Ship", "YearBuiltDetails", "YearBuilt"},
	"hullidentificationnumberhin": {"ShipDetails", "Ship", "HullIdentificationNumbers", "HullIdentificationNumber"},
}

// composite is a record several columns of one row describe together (a
// name, an address, a passport), added once per distinct value.
type composite struct {
	path   []string          // container path and the record element
	fields map[string]string // folded column -> child element
}

var composites = []composite{
	{[]string{"Names", "Name"}, map[string]string{
		"name1": "Name1", "name2": "Name2", "name3": "Name3", "name4": "Name4", "name5": "Name5", "name6": "Name6",
		"nametype": "NameType", "aliasstrength": "AliasStrength"}},
	{[]string{"NonLatinNames", "NonLatinName"}, map[string]string{
		"namenonlatinscript": "NameNonLatinScript", "nonlatinscripttype": "NonLatinScriptType", "nonlatinscriptlanguage": "NonLatinScriptLanguage"}},
	{[]string{"Addresses", "Address"}, map[string]string{
		"addressline1": "AddressLine1", "addressline2": "AddressLine2", "addressline3": "AddressLine3",
		"addressline4": "AddressLine4", "addressline5": "AddressLine5", "addressline6": "AddressLine6",
		"addresspostalcode": "AddressPostalCode", "addresscountry": "AddressCountry"}},
	{[]string{"IndividualDetails", "Individual", "PassportDetails", "Passport"}, map[string]string{
		"passportnumber": "PassportNumber", "passportadditionalinformation": "PassportAdditionalInformation"}},
	{[]string{"IndividualDetails", "Individual", "NationalIdentifierDetails", "NationalIdentifier"}, map[string]string{
		"nationalidentifiernumber": "NationalIdentifierNumber", "nationalidentifieradditionalinformation": "NationalIdentifierAdditionalInformation"}},
	{[]string{"IndividualDetails", "Individual", "BirthDetails", "Location"}, map[string]string{
		"townofbirth": "TownOfBirth", "countryofbirth": "CountryOfBirth"}},
}

// ParseCSV reads a whole UK Sanctions List CSV: line 1 "Report Date:
// dd-Mon-yyyy", line 2 the header, then one row per name. Columns are
// found by header name; rows are grouped by Unique ID, and the other
// columns' values are collected over an entity's rows without repeats, so
// the result equals ParseXML on the same list. Raw is the header and the
// entity's rows.
//
// No official sample was available. A cell is taken to hold one value; an
// entity with more values of a kind than names (three dates of birth, two
// names) spreads them over its rows, or adds rows with empty name cells.
func ParseCSV(data []byte, file string) (*entity.Dataset, error) {
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	ds := &entity.Dataset{Source: Source}

	rec, err := r.Read()
	if err != nil {
		return nil, csvError(file, err)
	}
	headerStart := int64(0)
	if first := strings.TrimSpace(rec[0]); strings.HasPrefix(strings.ToLower(first), "report date") {
		text := strings.TrimSpace(strings.TrimPrefix(first[len("report date"):], ":"))
		if text == "" && len(rec) > 1 {
			text = strings.TrimSpace(rec[1])
		}
		d, err := reportDate(text)
		if err != nil {
			return nil, &parse.Error{File: file, Line: 1, Field: "Report Date", Err: err}
		}
		ds.Published = d
		headerStart = r.InputOffset()
		if rec, err = r.Read(); err != nil {
			return nil, csvError(file, err)
		}
	}
	header := rec
	headerLine, _ := r.FieldPos(0)
	headerText := strings.TrimRight(string(data[headerStart:r.InputOffset()]), "\r\n")
	keys := make([]string, len(header))
	idCol := -1
	seenKey := make(map[string]bool)
	for i, h := range header {
		keys[i] = fold(h)
		if keys[i] != "" && seenKey[keys[i]] {
			return nil, &parse.Error{File: file, Line: headerLine, Field: h, Err: fmt.Errorf("%w: column %q appears twice", parse.ErrFormat, h)}
		}
		seenKey[keys[i]] = true
		if keys[i] == "uniqueid" {
			idCol = i
		}
	}
	if idCol < 0 {
		return nil, &parse.Error{File: file, Line: headerLine, Field: "Unique ID", Err: fmt.Errorf("%w: header has no Unique ID column (not a UK Sanctions List CSV)", parse.ErrFormat)}
	}

	type group struct {
		el   *parse.Element
		rows []string
	}
	groups := make(map[string]*group)
	var order []string
	for {
		start := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &parse.Error{File: file, Line: line, Err: fmt.Errorf("%w: wrong number of columns: %d, header has %d", parse.ErrFormat, len(rec), len(header))}
		}
		cells := make(map[string]string, len(rec))
		for i, v := range rec {
			if len(v) > parse.MaxFieldSize {
				return nil, &parse.Error{File: file, Line: line, Field: header[i], Err: fmt.Errorf("%w: field over %d bytes", parse.ErrTooLarge, parse.MaxFieldSize)}
			}
			if v = strings.TrimSpace(v); v != "" {
				cells[keys[i]] = v
			}
		}
		id := cells["uniqueid"]
		if id == "" {
			return nil, &parse.Error{File: file, Line: line, Field: "Unique ID", Err: errors.New("empty Unique ID")}
		}
		g := groups[id]
		if g == nil {
			g = &group{el: &parse.Element{Name: "Designation", Line: line}}
			groups[id] = g
			order = append(order, id)
		}
		g.rows = append(g.rows, strings.TrimRight(string(data[start:r.InputOffset()]), "\r\n"))
		addCells(g.el, cells, line)
	}
	if len(order) == 0 {
		return nil, &parse.Error{File: file, Line: headerLine + 1, Err: fmt.Errorf("%w: no data rows after the header", parse.ErrFormat)}
	}
	for _, id := range order {
		g := groups[id]
		e, err := mapDesignation(g.el, file)
		if err != nil {
			return nil, err
		}
		e.Raw = headerText + "\n" + strings.Join(g.rows, "\n")
		ds.Entities = append(ds.Entities, e)
	}
	return ds, nil
}

// addCells merges one row into the Designation tree el.
func addCells(el *parse.Element, cells map[string]string, line int) {
	for key, child := range single {
		if v := cells[key]; v != "" && el.Child(child) == nil {
			el.Children = append(el.Children, &parse.Element{Name: child, Text: v, Line: line})
		}
	}
	// Map order is random; walk the lists in a fixed order so that the
	// tree, and so the entity, does not depend on it.
	for _, key := range listKeys {
		v := cells[key]
		if v == "" {
			continue
		}
		path := lists[key]
		parent := ensure(el, path[:len(path)-1], line)
		leaf := path[len(path)-1]
		dup := false
		for _, c := range parent.All(leaf) {
			if c.Text == v {
				dup = true
			}
		}
		if !dup {
			parent.Children = append(parent.Children, &parse.Element{Name: leaf, Text: v, Line: line})
		}
	}
	for _, c := range composites {
		rec := &parse.Element{Name: c.path[len(c.path)-1], Line: line}
		for _, key := range sortedKeys(c.fields) {
			if v := cells[key]; v != "" {
				rec.Children = append(rec.Children, &parse.Element{Name: c.fields[key], Text: v, Line: line})
			}
		}
		if len(rec.Children) == 0 {
			continue
		}
		parent := ensure(el, c.path[:len(c.path)-1], line)
		if !hasEqual(parent, rec) {
			parent.Children = append(parent.Children, rec)
		}
	}
}

var listKeys = sortedKeys(lists)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// ensure returns the element at path under el, creating the missing ones.
func ensure(el *parse.Element, path []string, line int) *parse.Element {
	for _, name := range path {
		c := el.Child(name)
		if c == nil {
			c = &parse.Element{Name: name, Line: line}
			el.Children = append(el.Children, c)
		}
		el = c
	}
	return el
}

func hasEqual(parent, rec *parse.Element) bool {
	for _, c := range parent.All(rec.Name) {
		if len(c.Children) != len(rec.Children) {
			continue
		}
		same := true
		for i := range c.Children {
			if c.Children[i].Name != rec.Children[i].Name || c.Children[i].Text != rec.Children[i].Text {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// reportDate reads the "Report Date" of line 1, such as 13-Feb-2026.
func reportDate(s string) (string, error) {
	for _, layout := range []string{"02-Jan-2006", "2-Jan-2006", "02/01/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("report date %q: want dd-Mon-yyyy", s)
}

// csvError is parse.CSVError except for io.EOF: a UK CSV with no records
// at all lacks even its header line, which the message says.
func csvError(file string, err error) error {
	if err == io.EOF {
		return &parse.Error{File: file, Err: fmt.Errorf("%w: no header line", parse.ErrFormat)}
	}
	return parse.CSVError(file, err)
}
