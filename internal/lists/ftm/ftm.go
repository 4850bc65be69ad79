// Package ftm parses FollowTheMoney (FtM) entity streams: the JSON-lines
// exports of OpenSanctions (entities.ftm.json), their delta files, and
// any custom list written in the same model.
//
// It is part of the sources -> entities stage of the data flow
// (sources -> entities -> index -> screening -> decisions -> store). FtM
// spreads one party over several records: the party itself (a "thing"
// such as Person or Company), Sanction records pointing at it, link
// records (Ownership, Directorship, Family...) between parties, and
// Address and Identification records it refers to. The parser streams the
// lines once, keeps the things as entities and the other records as small
// facts, and joins them at the end.
package ftm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// MaxLine is the longest JSON line accepted. The largest OpenSanctions
// entities (merged from dozens of lists) are a few hundred KiB.
const MaxLine = 8 << 20

// record is one FtM entity as exported.
type record struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	Target     bool                `json:"target"`
	FirstSeen  string              `json:"first_seen"`
	LastSeen   string              `json:"last_seen"`
	LastChange string              `json:"last_change"`
}

// Parse reads an FtM JSON-lines stream. Each thing (Person, Company,
// Organization, LegalEntity, PublicBody, Vessel, Airplane) becomes an
// entity with ID "<source>:<ftm id>". Sanction records add programs and
// the listing date to their target; link records become Relations on both
// ends; Address and Identification records fill in the things that refer
// to them. Other records are counted in Notes. Published is the latest
// last_seen date in the stream.
func Parse(r io.Reader, file, source string) (*entity.Dataset, error) {
	if source == "" {
		return nil, &parse.Error{File: file, Field: "source", Err: errors.New("empty source id")}
	}
	b := newBuilder(source, file)
	lines := 0
	err := scan(r, file, func(line int, raw []byte) error {
		lines++
		var rec record
		if err := decode(raw, &rec); err != nil {
			return &parse.Error{File: file, Line: line, Err: err}
		}
		return b.add(&rec, line, raw)
	})
	if err != nil {
		return nil, err
	}
	if lines == 0 {
		return nil, &parse.Error{File: file, Err: parse.ErrEmpty}
	}
	ds := &entity.Dataset{Source: source, Published: b.published}
	ds.Entities, ds.Notes = b.finish()
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no Person, Company, Organization, Vessel or other party records", parse.ErrFormat)}
	}
	return ds, nil
}

// delta is one line of an entities.delta.json file.
type delta struct {
	Op     string `json:"op"`
	Entity record `json:"entity"`
}

// ParseDelta reads an FtM delta stream, lines of {"op": "ADD"|"MOD"|"DEL",
// "entity": {...}}. adds holds the things added or changed, with the
// sanctions, links and addresses of the same delta applied; dels holds the
// ids ("<source>:<ftm id>") of removed records, which may include removed
// sanctions or links as a DEL line carries only the id. A changed
// Sanction or link whose things are not in the delta cannot be applied
// here; the caller must rebuild those things from a full export. An empty
// stream is a valid delta with no changes.
func ParseDelta(r io.Reader, file, source string) (adds []*entity.Entity, dels []string, err error) {
	if source == "" {
		return nil, nil, &parse.Error{File: file, Field: "source", Err: errors.New("empty source id")}
	}
	b := newBuilder(source, file)
	err = scan(r, file, func(line int, raw []byte) error {
		var d delta
		if err := decode(raw, &d); err != nil {
			return &parse.Error{File: file, Line: line, Err: err}
		}
		switch strings.ToUpper(d.Op) {
		case "ADD", "MOD":
			return b.add(&d.Entity, line, raw)
		case "DEL":
			if d.Entity.ID == "" {
				return &parse.Error{File: file, Line: line, Field: "entity.id", Err: errors.New("DEL without an entity id")}
			}
			dels = append(dels, source+":"+d.Entity.ID)
			return nil
		}
		return &parse.Error{File: file, Line: line, Field: "op", Err: fmt.Errorf("%w: unknown op %q (want ADD, MOD or DEL)", parse.ErrFormat, d.Op)}
	})
	if err != nil {
		return nil, nil, err
	}
	// An empty delta is valid: nothing changed in that version.
	adds, _ = b.finish()
	return adds, dels, nil
}

// scan calls fn for every non-blank line of r, refusing lines longer than
// MaxLine and invalid UTF-8.
func scan(r io.Reader, file string, fn func(line int, raw []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		if !utf8.Valid(raw) {
			return &parse.Error{File: file, Line: line, Err: parse.ErrInvalidUTF8}
		}
		if err := fn(line, raw); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &parse.Error{File: file, Line: line + 1, Err: fmt.Errorf("%w: line over %d bytes", parse.ErrTooLarge, MaxLine)}
		}
		return &parse.Error{File: file, Line: line + 1, Err: err}
	}
	return nil
}

// decode reads one JSON object, refusing trailing data so that a
// concatenated or pretty-printed file is reported, not half read.
func decode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: not an FtM JSON line: %v", parse.ErrFormat, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: more than one JSON value on the line", parse.ErrFormat)
	}
	return nil
}

// thingTypes maps the FtM thing schemata kept as entities.
var thingTypes = map[string]entity.Type{
	"Person":       entity.Person,
	"Company":      entity.Organization,
	"Organization": entity.Organization,
	"PublicBody":   entity.Organization,
	"LegalEntity":  entity.Unknown, // may be a person or an organisation
	"Vessel":       entity.Vessel,
	"Airplane":     entity.Aircraft,
}

// links maps the FtM link schemata to their two end properties and the
// relation kinds seen from each end.
var links = map[string]struct{ from, to, fromKind, toKind string }{
	"Ownership":      {"owner", "asset", "owns", "owned_by"},
	"Directorship":   {"director", "organization", "director_of", "directed_by"},
	"Family":         {"person", "relative", "family", "family"},
	"Associate":      {"person", "associate", "associate", "associate"},
	"UnknownLink":    {"subject", "object", "linked_to", "linked_to"},
	"Employment":     {"employee", "employer", "employed_by", "employs"},
	"Membership":     {"member", "organization", "member_of", "has_member"},
	"Representation": {"agent", "client", "represents", "represented_by"},
	"Succession":     {"predecessor", "successor", "succeeded_by", "succeeds"},
}

type link struct {
	schema, from, to, role string
}

type sanction struct {
	target   string
	programs []string
	texts    []string
	dates    []string
	line     int
}

type ident struct {
	holder string
	id     entity.Identifier
}

// builder collects one stream's records and joins them in finish.
type builder struct {
	source, file string
	published    string
	things       []*entity.Entity
	byID         map[string]*entity.Entity
	seen         map[string]int
	addrRefs     map[*entity.Entity][]string
	addresses    map[string]entity.Address
	sanctions    []sanction
	links        []link
	idents       []ident
	skipped      map[string]int
	badDates     int
}

func newBuilder(source, file string) *builder {
	return &builder{
		source: source, file: file,
		byID:      make(map[string]*entity.Entity),
		seen:      make(map[string]int),
		addrRefs:  make(map[*entity.Entity][]string),
		addresses: make(map[string]entity.Address),
		skipped:   make(map[string]int),
	}
}

func (b *builder) add(rec *record, line int, raw []byte) error {
	fail := func(field string, err error) error {
		return &parse.Error{File: b.file, Line: line, Path: rec.ID, Field: field, Err: err}
	}
	if rec.ID == "" {
		return fail("id", errors.New("record has no id"))
	}
	if rec.Schema == "" {
		return fail("schema", errors.New("record has no schema"))
	}
	if first, dup := b.seen[rec.ID]; dup {
		return fail("id", fmt.Errorf("duplicate id %q (first at line %d)", rec.ID, first))
	}
	b.seen[rec.ID] = line
	if d := parse.FirstN(rec.LastSeen, 10); d > b.published {
		if _, err := entity.ParseDate(d); err == nil {
			b.published = d
		}
	}
	p := rec.Properties
	if typ, ok := thingTypes[rec.Schema]; ok {
		e, err := b.thing(rec, typ)
		if err != nil {
			return fail("name", err)
		}
		e.Raw = string(raw)
		b.things = append(b.things, e)
		b.byID[rec.ID] = e
		return nil
	}
	if l, ok := links[rec.Schema]; ok {
		for _, from := range p[l.from] {
			for _, to := range p[l.to] {
				b.links = append(b.links, link{schema: rec.Schema, from: from, to: to, role: strings.Join(append(p["role"], p["relationship"]...), "; ")})
			}
		}
		return nil
	}
	switch rec.Schema {
	case "Sanction":
		s := sanction{programs: p["programId"], texts: p["program"], line: line}
		s.dates = append(append(s.dates, p["listingDate"]...), p["startDate"]...)
		for _, t := range p["entity"] {
			s.target = t
			b.sanctions = append(b.sanctions, s)
		}
		return nil
	case "Address":
		b.addresses[rec.ID] = addressRecord(p, rec.Caption)
		return nil
	case "Identification", "Passport":
		kind := entity.IDNationalID
		if rec.Schema == "Passport" {
			kind = entity.IDPassport
		}
		number := first(p["number"], p["passportNumber"])
		if number == "" {
			b.skipped[rec.Schema+" without number"]++
			return nil
		}
		id := entity.Identifier{Type: kind, Label: first(p["type"]), Number: number, Country: country.Code(first(p["country"])),
			Issued: first(p["startDate"]), Expires: first(p["endDate"]), Note: strings.Join(p["authority"], "; ")}
		for _, h := range p["holder"] {
			b.idents = append(b.idents, ident{holder: h, id: id})
		}
		return nil
	}
	b.skipped[rec.Schema]++
	return nil
}

// thing maps a Person, Company or other party record.
func (b *builder) thing(rec *record, typ entity.Type) (*entity.Entity, error) {
	p := rec.Properties
	e := &entity.Entity{ID: b.source + ":" + rec.ID, Source: b.source, SourceID: rec.ID, Type: typ}
	var names []string
	for _, n := range p["name"] {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	// The caption is the name OpenSanctions displays; prefer it when it is
	// one of the names, so that the entity reads the same as on their site.
	primary := strings.TrimSpace(rec.Caption)
	if primary == "" || (len(names) > 0 && !slices.Contains(names, primary)) {
		primary = first(names)
	}
	if primary == "" {
		return nil, fmt.Errorf("%s %s has no name", rec.Schema, rec.ID)
	}
	pn := entity.Name{Full: primary, Kind: entity.NamePrimary, Quality: entity.Strong, Script: parse.NonLatinScript(primary)}
	if typ == entity.Person && len(p["firstName"]) == 1 && len(p["lastName"]) == 1 && strings.Contains(primary, p["lastName"][0]) {
		pn.Given, pn.Family = p["firstName"][0], p["lastName"][0]
	}
	e.Name, e.Names = primary, []entity.Name{pn}
	for _, group := range []struct {
		prop    string
		kind    entity.NameKind
		quality entity.Quality
	}{
		{"name", entity.NameAlias, entity.Strong},
		{"alias", entity.NameAlias, entity.Strong},
		{"abbreviation", entity.NameAlias, entity.Strong},
		{"weakAlias", entity.NameAlias, entity.Weak},
		{"previousName", entity.NameFormer, entity.Strong},
	} {
		for _, n := range p[group.prop] {
			e.AddName(entity.Name{Full: n, Kind: group.kind, Quality: group.quality, Script: parse.NonLatinScript(n)})
		}
	}

	used := map[string]bool{"name": true, "alias": true, "abbreviation": true, "weakAlias": true, "previousName": true}
	take := func(prop string) []string { used[prop] = true; return p[prop] }
	for _, d := range take("birthDate") {
		date, err := entity.ParseDate(parse.FirstN(d, 10))
		if err != nil {
			e.AddProperty("birth_date_text", d)
			b.badDates++
			continue
		}
		date.Text = d
		e.BirthDates = append(e.BirthDates, date)
	}
	e.BirthPlaces = append(e.BirthPlaces, take("birthPlace")...)
	for _, c := range take("nationality") {
		parse.AddUnique(&e.Nationalities, parse.CountryCode(c))
	}
	for _, c := range take("citizenship") {
		parse.AddUnique(&e.Citizenships, parse.CountryCode(c))
	}
	for _, prop := range []string{"country", "jurisdiction", "mainCountry", "birthCountry"} {
		for _, c := range take(prop) {
			parse.AddUnique(&e.Countries, parse.CountryCode(c))
		}
	}
	if g := first(take("gender")); g != "" {
		e.Gender = strings.ToLower(g)
	}
	for _, m := range []struct{ prop, kind, label string }{
		{"idNumber", entity.IDNationalID, "ID number"},
		{"passportNumber", entity.IDPassport, "Passport"},
		{"taxNumber", entity.IDTaxID, "Tax number"},
		{"vatCode", entity.IDTaxID, "VAT"},
		{"innCode", entity.IDTaxID, "INN"},
		{"registrationNumber", entity.IDRegistration, "Registration number"},
		{"ogrnCode", entity.IDRegistration, "OGRN"},
		{"okpoCode", entity.IDRegistration, "OKPO"},
		{"kppCode", entity.IDOther, "KPP"},
		{"imoNumber", entity.IDIMO, "IMO"},
		{"mmsi", entity.IDMMSI, "MMSI"},
		{"swiftBic", entity.IDSWIFT, "SWIFT/BIC"},
		{"leiCode", entity.IDLEI, "LEI"},
		{"serialNumber", entity.IDAircraft, "Serial number"},
	} {
		kind := m.kind
		if typ == entity.Aircraft && m.prop == "registrationNumber" {
			kind = entity.IDAircraft // a tail number
		}
		for _, n := range take(m.prop) {
			e.Identifiers = append(e.Identifiers, entity.Identifier{Type: kind, Label: m.label, Number: strings.TrimPrefix(n, "IMO")})
		}
	}
	for _, a := range take("address") {
		e.Addresses = append(e.Addresses, entity.Address{Full: a})
	}
	if refs := take("addressEntity"); len(refs) > 0 {
		b.addrRefs[e] = refs
	}
	e.Websites = append(e.Websites, take("website")...)
	e.Emails = append(e.Emails, take("email")...)
	e.Phones = append(e.Phones, take("phone")...)
	e.Positions = append(e.Positions, take("position")...)
	e.Titles = append(e.Titles, take("title")...)
	for _, prog := range take("programId") {
		parse.AddUnique(&e.Programs, prog)
	}
	for _, prog := range take("program") {
		parse.AddUnique(&e.Programs, prog)
	}
	e.Remarks = strings.Join(append(take("notes"), take("description")...), "\n")
	if typ == entity.Vessel || typ == entity.Aircraft {
		v := entity.VesselInfo{
			CallSign:  first(take("callSign")),
			Type:      first(take("type")),
			Flag:      first(take("flag")),
			Tonnage:   first(take("tonnage")),
			GRT:       first(take("grossRegisteredTonnage")),
			BuildYear: parse.FirstN(first(take("buildDate")), 4),
		}
		if c := country.Code(v.Flag); c != "" {
			parse.AddUnique(&e.Countries, c)
		}
		if v != (entity.VesselInfo{}) {
			e.Vessel = &v
		}
	}
	for _, prop := range sortedKeys(p) {
		if !used[prop] {
			for _, v := range p[prop] {
				e.AddProperty(prop, v)
			}
		}
	}
	e.AddProperty("schema", rec.Schema)
	for _, d := range rec.Datasets {
		e.AddProperty("datasets", d)
	}
	e.AddProperty("first_seen", rec.FirstSeen)
	e.AddProperty("last_seen", rec.LastSeen)
	e.AddProperty("last_change", rec.LastChange)
	if rec.Target {
		e.AddProperty("target", "true")
	}
	return e, nil
}

// finish joins sanctions, links, addresses and identifications to the
// things they refer to, and returns the things with notes on what could
// not be joined.
func (b *builder) finish() ([]*entity.Entity, []string) {
	missing := 0
	for _, e := range b.things {
		for _, ref := range b.addrRefs[e] {
			a, ok := b.addresses[ref]
			if !ok {
				missing++
				continue
			}
			if !slices.Contains(e.Addresses, a) {
				e.Addresses = append(e.Addresses, a)
			}
		}
	}
	for _, s := range b.sanctions {
		e := b.byID[s.target]
		if e == nil {
			missing++
			continue
		}
		progs := s.programs
		if len(progs) == 0 {
			progs = s.texts
		}
		for _, prog := range progs {
			parse.AddUnique(&e.Programs, prog)
		}
		for _, d := range s.dates {
			date, err := entity.ParseDate(parse.FirstN(d, 10))
			if err != nil {
				continue // a listing date is a nicety; the sanction still applies
			}
			if e.ListedOn.IsZero() || date.String() < e.ListedOn.String() {
				date.Text = d
				e.ListedOn = date
			}
		}
	}
	for _, l := range b.links {
		spec := links[l.schema]
		from, to := b.byID[l.from], b.byID[l.to]
		if from == nil && to == nil {
			missing++
			continue
		}
		if from != nil {
			addRelation(from, spec.fromKind, b.source+":"+l.to, to, l.role)
		}
		if to != nil {
			addRelation(to, spec.toKind, b.source+":"+l.from, from, l.role)
		}
	}
	for _, i := range b.idents {
		e := b.byID[i.holder]
		if e == nil {
			missing++
			continue
		}
		if !slices.Contains(e.Identifiers, i.id) {
			e.Identifiers = append(e.Identifiers, i.id)
		}
	}
	var notes []string
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d sanction, link, address or identification references point to records not in the file", missing))
	}
	if b.badDates > 0 {
		notes = append(notes, fmt.Sprintf("%d birth dates were not ISO dates; they are kept as text in the birth_date_text property", b.badDates))
	}
	var skipped []string
	for _, k := range sortedKeys(b.skipped) {
		skipped = append(skipped, fmt.Sprintf("%s: %d", k, b.skipped[k]))
	}
	if len(skipped) > 0 {
		notes = append(notes, "records not used: "+strings.Join(skipped, ", "))
	}
	return b.things, notes
}

func addRelation(e *entity.Entity, kind, otherID string, other *entity.Entity, role string) {
	r := entity.Relation{Kind: kind, EntityID: otherID}
	if other != nil {
		r.Name = other.Name
	}
	if role != "" && kind != "owns" && kind != "owned_by" {
		// The role ("Family member of", "Leader or official of") says more
		// than the schema; keep it in the kind as the model allows.
		r.Kind = kind + ": " + strings.ToLower(role)
	}
	if !slices.Contains(e.Relations, r) {
		e.Relations = append(e.Relations, r)
	}
}

func addressRecord(p map[string][]string, caption string) entity.Address {
	a := entity.Address{
		Full:       first(p["full"]),
		Street:     strings.Join(append(p["street"], p["street2"]...), ", "),
		City:       first(p["city"]),
		Region:     first(p["region"], p["state"]),
		PostalCode: first(p["postalCode"]),
		Country:    country.Code(first(p["country"])),
	}
	if a.Country != "" {
		a.CountryName = country.Name(a.Country)
	}
	if box := first(p["postOfficeBox"]); box != "" {
		a.Note = "PO Box " + box
	}
	if a.Full == "" {
		a.Full = caption
	}
	return a
}

func first(lists ...[]string) string {
	for _, l := range lists {
		for _, v := range l {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
