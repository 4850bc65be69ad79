// Package entity is the one model every sanctions list is mapped to.
//
// It is the first stage of the data flow (sources -> entities -> index ->
// screening -> decisions -> store): list parsers produce [Dataset] values,
// and everything downstream reads them. The package imports no other project
// package and does no I/O.
package entity

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Type is the kind of a listed party.
type Type string

// The party types. Sources that do not say (some CSL rows) map to Unknown,
// which screening treats as compatible with every query type.
const (
	Person       Type = "person"
	Organization Type = "organization"
	Vessel       Type = "vessel"
	Aircraft     Type = "aircraft"
	Unknown      Type = ""
)

// ParseType maps the common spellings of a party type ("individual",
// "entity", "company", "ship"...) to a Type. It returns Unknown and false
// for anything else.
func ParseType(s string) (Type, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "person", "individual", "people", "p":
		return Person, true
	case "organization", "organisation", "entity", "company", "enterprise", "org", "legalentity", "business", "e":
		return Organization, true
	case "vessel", "ship":
		return Vessel, true
	case "aircraft", "airplane":
		return Aircraft, true
	}
	return Unknown, false
}

// NameKind says what role a name plays for its entity.
type NameKind string

// Name kinds. A "now known as" name is an Alias; a "formerly known as" name
// is Former.
const (
	NamePrimary NameKind = "primary"
	NameAlias   NameKind = "alias"
	NameFormer  NameKind = "former"
)

// Quality marks an alias as strong or weak. The lists mark some aliases as
// low quality (OFAC "weak a.k.a.", UN "Low", EU strong="false"); screening
// gives those less weight, so the two must never be merged.
type Quality string

// Alias qualities.
const (
	Strong Quality = "strong"
	Weak   Quality = "weak"
)

// Name is one name of an entity as the list publishes it.
type Name struct {
	// Full is the whole name as published.
	Full    string   `json:"full"`
	Kind    NameKind `json:"kind"`
	Quality Quality  `json:"quality"`
	// Script is the ISO 15924 code (Latn, Cyrl, Arab...) when the source
	// gives it or the name is not in Latin script.
	Script string `json:"script,omitempty"`
	// Lang is the language code when the source gives it.
	Lang string `json:"lang,omitempty"`
	// Given and Family are the name parts when the source separates them.
	Given  string `json:"given,omitempty"`
	Family string `json:"family,omitempty"`
	// Note keeps any remark the source attaches to this name.
	Note string `json:"note,omitempty"`
}

// Date is a possibly partial date: a zero Month or Day means the source
// gave only the year (or year and month). Dates the lists give as a range
// of years set YearTo.
type Date struct {
	Year   int  `json:"year"`
	Month  int  `json:"month,omitempty"`
	Day    int  `json:"day,omitempty"`
	YearTo int  `json:"year_to,omitempty"`
	Circa  bool `json:"circa,omitempty"`
	// Text is the date as published, kept for display.
	Text string `json:"text,omitempty"`
}

// Precision is "day", "month", "year" or "" for a zero Date.
func (d Date) Precision() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Day != 0:
		return "day"
	case d.Month != 0:
		return "month"
	}
	return "year"
}

// IsZero reports whether d holds no date.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats d as YYYY, YYYY-MM or YYYY-MM-DD, with a "YYYY..YYYY"
// range when YearTo is set.
func (d Date) String() string {
	var s string
	switch d.Precision() {
	case "":
		return ""
	case "day":
		s = fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	case "month":
		s = fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		s = fmt.Sprintf("%04d", d.Year)
	}
	if d.YearTo != 0 && d.YearTo != d.Year {
		s += fmt.Sprintf("..%04d", d.YearTo)
	}
	return s
}

// MarshalJSON adds the formatted value and the precision to the fields, so
// that a reader need not rebuild them.
func (d Date) MarshalJSON() ([]byte, error) {
	type plain Date
	return json.Marshal(struct {
		Value     string `json:"value"`
		Precision string `json:"precision"`
		plain
	}{d.String(), d.Precision(), plain(d)})
}

// ParseDate reads an ISO date of the forms YYYY, YYYY-MM or YYYY-MM-DD and
// checks the ranges of its parts.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	var nums [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || (i > 0 && len(p) != 2) {
			return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		nums[i] = n
	}
	d := Date{Year: nums[0], Month: nums[1], Day: nums[2]}
	if err := d.Validate(); err != nil {
		return Date{}, fmt.Errorf("date %q: %w", s, err)
	}
	return d, nil
}

// Validate checks that the parts of d are in range.
func (d Date) Validate() error {
	if d.Year < 1000 || d.Year > 9999 {
		return fmt.Errorf("year %d out of range", d.Year)
	}
	if d.Month < 0 || d.Month > 12 {
		return fmt.Errorf("month %d out of range", d.Month)
	}
	if d.Day < 0 || d.Day > 31 || (d.Day > 0 && d.Month == 0) {
		return fmt.Errorf("day %d out of range", d.Day)
	}
	return nil
}

// Address is a postal address. Country is an ISO 3166-1 alpha-2 code when
// the country could be recognised; CountryName keeps the published text.
type Address struct {
	Full        string `json:"full,omitempty"`
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	Region      string `json:"region,omitempty"`
	PostalCode  string `json:"postal_code,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryName string `json:"country_name,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Identifier kinds that screening treats as strong evidence. Parsers map
// the published labels to these; the published label stays in Label.
const (
	IDPassport     = "passport"
	IDNationalID   = "national_id"
	IDTaxID        = "tax_id"
	IDRegistration = "registration"
	IDIMO          = "imo"
	IDMMSI         = "mmsi"
	IDSWIFT        = "swift_bic"
	IDLEI          = "lei"
	IDCrypto       = "crypto_address"
	IDAircraft     = "aircraft" // tail number, manufacturer serial
	IDOther        = "other"
)

// Identifier is a document or registration number.
type Identifier struct {
	Type    string `json:"type"`
	Label   string `json:"label,omitempty"`
	Number  string `json:"number"`
	Country string `json:"country,omitempty"`
	Issued  string `json:"issued,omitempty"`
	Expires string `json:"expires,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Relation links an entity to another party, such as OFAC's "Linked To:"
// or a UK parent company.
type Relation struct {
	// Kind is "linked_to", "owned_or_controlled_by", "parent", "subsidiary",
	// "associate" or another lower-case phrase from the source.
	Kind string `json:"kind"`
	// Name is the related party's name as published.
	Name string `json:"name,omitempty"`
	// EntityID is the related entity's id when the source identifies it.
	EntityID string `json:"entity_id,omitempty"`
}

// VesselInfo holds the vessel and aircraft particulars some lists publish.
type VesselInfo struct {
	CallSign  string `json:"call_sign,omitempty"`
	Type      string `json:"type,omitempty"`
	Flag      string `json:"flag,omitempty"`
	Owner     string `json:"owner,omitempty"`
	Tonnage   string `json:"tonnage,omitempty"`
	GRT       string `json:"gross_registered_tonnage,omitempty"`
	BuildYear string `json:"build_year,omitempty"`
}

// Entity is one listed party.
type Entity struct {
	// ID is "<source>:<source id>", stable across list versions.
	ID       string `json:"id"`
	Source   string `json:"source"`
	SourceID string `json:"source_id"`
	Type     Type   `json:"type"`
	// Name is the primary name; it is also Names[0].
	Name  string `json:"name"`
	Names []Name `json:"names"`

	Gender        string   `json:"gender,omitempty"`
	BirthDates    []Date   `json:"birth_dates,omitempty"`
	BirthPlaces   []string `json:"birth_places,omitempty"`
	Nationalities []string `json:"nationalities,omitempty"` // ISO alpha-2 where recognised
	Citizenships  []string `json:"citizenships,omitempty"`  // ISO alpha-2 where recognised
	// Countries are the other countries the entity is tied to (addresses,
	// registration, flag), ISO alpha-2.
	Countries   []string     `json:"countries,omitempty"`
	Addresses   []Address    `json:"addresses,omitempty"`
	Identifiers []Identifier `json:"identifiers,omitempty"`
	Titles      []string     `json:"titles,omitempty"`
	Positions   []string     `json:"positions,omitempty"`
	Websites    []string     `json:"websites,omitempty"`
	Emails      []string     `json:"emails,omitempty"`
	Phones      []string     `json:"phones,omitempty"`
	Vessel      *VesselInfo  `json:"vessel,omitempty"`

	Programs []string `json:"programs,omitempty"`
	// ListedOn is the designation date when the source gives it.
	ListedOn           Date       `json:"listed_on,omitzero"`
	SecondarySanctions bool       `json:"secondary_sanctions,omitempty"`
	Relations          []Relation `json:"relations,omitempty"`
	Remarks            string     `json:"remarks,omitempty"`
	// Properties keeps source-specific facts that have no field of their own
	// (CSL licence requirement and policy, UK sanctions imposed...), so no
	// published data is lost.
	Properties map[string][]string `json:"properties,omitempty"`
	// Raw is the record as published (a CSV line set or an XML fragment),
	// for display to an analyst.
	Raw string `json:"raw,omitempty"`
}

// AddProperty appends value under key, skipping empty values.
func (e *Entity) AddProperty(key, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	if e.Properties == nil {
		e.Properties = make(map[string][]string)
	}
	e.Properties[key] = append(e.Properties[key], value)
}

// AddName appends n unless an equal name (same text, kind and quality) is
// already there. A name already present as strong is not added again as
// weak.
func (e *Entity) AddName(n Name) {
	n.Full = strings.TrimSpace(n.Full)
	if n.Full == "" {
		return
	}
	if n.Quality == "" {
		n.Quality = Strong
	}
	for i, old := range e.Names {
		if old.Full == n.Full {
			if old.Quality == Weak && n.Quality == Strong && old.Kind == n.Kind {
				e.Names[i].Quality = Strong
			}
			if old.Kind == n.Kind || old.Kind == NamePrimary {
				return
			}
		}
	}
	e.Names = append(e.Names, n)
}

// AllCountries returns every country code tied to the entity, without
// repeats: nationalities, citizenships, address countries and Countries.
func (e *Entity) AllCountries() []string {
	seen := make(map[string]bool)
	var out []string
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, c := range e.Nationalities {
		add(c)
	}
	for _, c := range e.Citizenships {
		add(c)
	}
	for _, a := range e.Addresses {
		add(a.Country)
	}
	for _, c := range e.Countries {
		add(c)
	}
	return out
}

// Validate checks the invariants every parser must keep: an id made of the
// source and source id, a known type, a primary name first in Names.
func (e *Entity) Validate() error {
	if e.Source == "" || e.SourceID == "" {
		return fmt.Errorf("entity %q: empty source or source id", e.ID)
	}
	if e.ID != e.Source+":"+e.SourceID {
		return fmt.Errorf("entity %q: id is not %s:%s", e.ID, e.Source, e.SourceID)
	}
	switch e.Type {
	case Person, Organization, Vessel, Aircraft, Unknown:
	default:
		return fmt.Errorf("entity %s: unknown type %q", e.ID, e.Type)
	}
	if e.Name == "" || len(e.Names) == 0 || e.Names[0].Full != e.Name || e.Names[0].Kind != NamePrimary {
		return fmt.Errorf("entity %s: primary name missing or not first in names", e.ID)
	}
	return nil
}

// Dataset is one parsed version of one source.
type Dataset struct {
	// Source is the source id, such as "us_ofac_sdn".
	Source string `json:"source"`
	// Published is the publication date the file states, or the best
	// known date, as YYYY-MM-DD.
	Published string `json:"published"`
	// Version identifies the exact files the dataset was parsed from
	// (publication date and a short hash); the lists package sets it, and
	// every screening result carries it.
	Version  string    `json:"version,omitempty"`
	Entities []*Entity `json:"-"`
	// Notes are facts about this version a user must know, such as rows
	// that refer to missing records.
	Notes []string `json:"notes,omitempty"`
	// Excerpt is set when the version holds only some of the list's
	// records (the bundled samples of some lists), so that every result
	// screened against it can say so.
	Excerpt bool `json:"excerpt,omitempty"`
}

// Counts returns the number of entities by type.
func (d *Dataset) Counts() map[Type]int {
	m := make(map[Type]int)
	for _, e := range d.Entities {
		m[e.Type]++
	}
	return m
}
