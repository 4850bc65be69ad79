package ofac

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// refVal is one entry of a ReferenceValueSets lookup table.
type refVal struct {
	text  string
	attrs []xml.Attr
}

func (r refVal) attr(local string) string {
	for _, a := range r.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// location is a Locations entry reduced to what entities use.
type location struct {
	addr entity.Address
}

// advanced holds the state of one SDN_ADVANCED.XML parse. The file refers
// forward and back by numeric ID (parties to locations and documents
// before them, entries and relationships to parties after them), so only
// these lookups are kept, never the text.
type advanced struct {
	file, source string
	ds           *entity.Dataset
	refs         map[string]map[string]refVal // element name -> ID -> value
	locations    map[string]location
	docs         map[string][]entity.Identifier // IdentityID -> documents
	profiles     map[string]*entity.Entity      // Profile ID -> entity
	fixedRefs    map[string]int                 // FixedRef -> line, for duplicates
	orphans      map[string]int                 // what referred to a missing profile
}

// ParseAdvanced parses SDN_ADVANCED.XML or CONS_ADVANCED.XML from r,
// whatever its namespace, streaming: the file is read element by element
// and only ID lookups are kept, so the 122 MB file costs far less memory
// than its size. Entity ids are "<source>:<FixedRef>", FixedRef being the
// legacy ent_num. Published comes from DateOfIssue. Raw is left empty.
func ParseAdvanced(r io.Reader, file, source string) (*entity.Dataset, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, parse.MaxFileSize+1), 64<<10)
	head, _ := br.Peek(4096)
	if len(head) < 4096 && len(bytes.TrimSpace(head)) == 0 {
		return nil, &parse.Error{File: file, Err: parse.ErrEmpty}
	}
	if err := startsLikeXML(head, file); err != nil {
		return nil, err
	}
	cr := &countingReader{r: br}
	x := parse.NewXMLStream(cr, file)
	if err := rootElement(x, "Sanctions"); err != nil {
		return nil, err
	}
	a := &advanced{
		file: file, source: source,
		ds:        &entity.Dataset{Source: source},
		refs:      make(map[string]map[string]refVal),
		locations: make(map[string]location),
		docs:      make(map[string][]entity.Identifier),
		profiles:  make(map[string]*entity.Entity),
		fixedRefs: make(map[string]int),
		orphans:   make(map[string]int),
	}
	for {
		tok, err := x.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if cr.n > parse.MaxFileSize {
				return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: over %d bytes", parse.ErrTooLarge, parse.MaxFileSize)}
			}
			return nil, err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if err := a.section(x, start); err != nil {
			return nil, err
		}
	}
	if len(a.ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no DistinctParty elements", parse.ErrEmpty)}
	}
	for what, n := range a.orphans {
		a.ds.Notes = append(a.ds.Notes, fmt.Sprintf("%s: %s %s refer to profiles not in DistinctParties; not applied", file, thousands(n), what))
	}
	return a.ds, nil
}

// countingReader counts the bytes read, to enforce the size limit.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// line returns the reader's current line, for errors about a record just
// read.
func line(x *parse.XMLReader) int { return x.Errorf("", "position").Line }

// section handles one child of the Sanctions root.
func (a *advanced) section(x *parse.XMLReader, start xml.StartElement) error {
	switch start.Name.Local {
	case "DateOfIssue":
		n, err := readNode(x, start)
		if err != nil {
			return err
		}
		d, ok := ymd(n)
		if !ok || d.Precision() != "day" {
			return x.Errorf("DateOfIssue", "%w: want Year, Month and Day", parse.ErrFormat)
		}
		a.ds.Published = d.String()
		return nil
	case "ReferenceValueSets":
		n, err := readNode(x, start)
		if err != nil {
			return err
		}
		for _, set := range n.kids {
			for _, v := range set.kids {
				m := a.refs[v.name]
				if m == nil {
					m = make(map[string]refVal)
					a.refs[v.name] = m
				}
				m[v.attr("ID")] = refVal{text: v.text, attrs: v.attrs}
			}
		}
		return nil
	case "Locations", "IDRegDocuments", "DistinctParties", "ProfileRelationships", "SanctionsEntries":
		return a.records(x, start.Name.Local)
	}
	return x.Skip()
}

// records reads the children of a container section one at a time.
func (a *advanced) records(x *parse.XMLReader, section string) error {
	for {
		tok, err := x.Token()
		if err != nil {
			if err == io.EOF {
				return x.Errorf(section, "%w: section not closed", parse.ErrTruncated)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			ln := line(x)
			n, err := readNode(x, t)
			if err != nil {
				return err
			}
			n.line = ln
			switch n.name {
			case "Location":
				a.location(n)
			case "IDRegDocument":
				a.document(n)
			case "DistinctParty":
				err = a.party(n)
			case "ProfileRelationship":
				a.relationship(n)
			case "SanctionsEntry":
				a.entry(n)
			}
			if err != nil {
				return err
			}
		}
	}
}

// ref returns the text of entry id in the lookup table set.
func (a *advanced) ref(set, id string) string { return a.refs[set][id].text }

func (a *advanced) location(n *node) {
	var addr entity.Address
	var street []string
	var other []string
	for _, p := range n.all("LocationPart") {
		v := ""
		for _, pv := range p.all("LocationPartValue") {
			if v == "" || pv.attr("Primary") == "true" {
				v = pv.get("Value")
			}
		}
		if v == "" {
			continue
		}
		switch strings.ToUpper(a.ref("LocPartType", p.attr("LocPartTypeID"))) {
		case "ADDRESS1", "ADDRESS2", "ADDRESS3":
			street = append(street, v)
		case "CITY":
			addr.City = v
		case "STATE/PROVINCE", "REGION":
			addr.Region = joinNonEmpty(", ", addr.Region, v)
		case "POSTAL CODE":
			addr.PostalCode = v
		default:
			other = append(other, v)
		}
	}
	addr.Street = strings.Join(street, ", ")
	if c := n.child("LocationCountry"); c != nil {
		rv := a.refs["Country"][c.attr("CountryID")]
		addr.Country, addr.CountryName = rv.attr("ISO2"), rv.text
	}
	if addr.Country == "" {
		if c := n.child("LocationAreaCode"); c != nil {
			rv := a.refs["AreaCode"][c.attr("AreaCodeID")]
			addr.CountryName = rv.attr("Description")
			addr.Country = countryCode(addr.CountryName)
			if addr.Country == "" {
				addr.Country = countryCode(rv.text)
			}
		}
	}
	if addr.CountryName == "" && len(other) == 1 {
		// A location of one unnamed part is how OFAC writes a bare
		// country ("Egypt") for nationality features.
		if c := countryCode(other[0]); c != "" {
			addr.Country, addr.CountryName, other = c, other[0], nil
		}
	}
	if strings.EqualFold(addr.CountryName, "undetermined") {
		// OFAC's placeholder for "no known address": the legacy add.csv
		// writes the same row as all nulls.
		addr.CountryName = ""
	}
	addr.Note = strings.Join(other, ", ")
	addr.Full = joinNonEmpty(", ", addr.Street, addr.City, addr.Region, addr.PostalCode, addr.Note, addr.CountryName)
	a.locations[n.attr("ID")] = location{addr: addr}
}

func (a *advanced) document(n *node) {
	typ := a.ref("IDRegDocType", n.attr("IDRegDocTypeID"))
	countryName := ""
	if rv, ok := a.refs["Country"][n.attr("IssuedBy-CountryID")]; ok {
		countryName = rv.text
	}
	var issued, expires string
	for _, d := range n.all("DocumentDate") {
		dt, ok := datePeriod(d.child("DatePeriod"))
		if !ok {
			continue
		}
		switch a.ref("IDRegDocDateType", d.attr("IDRegDocDateTypeID")) {
		case "Issue Date":
			issued = dt.String()
		case "Expiration Date":
			expires = dt.String()
		}
	}
	// Collect into a scratch entity to reuse the id rules, then keep
	// the identifiers by identity.
	var tmp entity.Entity
	addListedID(&tmp, typ, n.get("IDRegistrationNo"), countryName, issued, expires)
	for i := range tmp.Identifiers {
		if note := n.get("Comment"); note != "" {
			tmp.Identifiers[i].Note = joinNonEmpty("; ", tmp.Identifiers[i].Note, note)
		}
		// OFAC lists known fraudulent documents too; say so.
		if v := a.ref("Validity", n.attr("ValidityID")); v != "" && !strings.EqualFold(v, "Valid") {
			tmp.Identifiers[i].Note = joinNonEmpty("; ", tmp.Identifiers[i].Note, strings.ToLower(v))
		}
		if auth := n.get("IssuingAuthority"); auth != "" {
			tmp.Identifiers[i].Note = joinNonEmpty("; ", tmp.Identifiers[i].Note, "issued by "+auth)
		}
	}
	id := n.attr("IdentityID")
	a.docs[id] = append(a.docs[id], tmp.Identifiers...)
}

// party maps one DistinctParty.
func (a *advanced) party(n *node) error {
	ref := n.attr("FixedRef")
	num, err := strconv.Atoi(ref)
	if err != nil || num <= 0 {
		return parse.Errorf(a.file, n.line, "FixedRef", "%w: %q is not a positive integer", parse.ErrFormat, ref)
	}
	id := strconv.Itoa(num)
	if first, dup := a.fixedRefs[id]; dup {
		return parse.Errorf(a.file, n.line, "FixedRef", "duplicate FixedRef %s (first on line %d)", id, first)
	}
	a.fixedRefs[id] = n.line
	p := n.child("Profile")
	if p == nil {
		return parse.Errorf(a.file, n.line, "Profile", "%w: party %s has no Profile", parse.ErrFormat, id)
	}
	e := &entity.Entity{ID: a.source + ":" + id, Source: a.source, SourceID: id}
	sub := a.refs["PartySubType"][p.attr("PartySubTypeID")]
	switch strings.ToLower(sub.text) {
	case "vessel":
		e.Type = entity.Vessel
	case "aircraft":
		e.Type = entity.Aircraft
	default:
		switch strings.ToLower(a.ref("PartyType", sub.attr("PartyTypeID"))) {
		case "individual":
			e.Type = entity.Person
		case "entity", "other entity":
			e.Type = entity.Organization
		}
	}
	var identities []string
	for _, ident := range p.all("Identity") {
		identities = append(identities, ident.attr("ID"))
		a.names(e, ident)
	}
	if e.Name == "" {
		return parse.Errorf(a.file, n.line, "Identity", "%w: party %s has no name", parse.ErrFormat, id)
	}
	for _, f := range p.all("Feature") {
		a.feature(e, f)
	}
	for _, ident := range identities {
		e.Identifiers = append(e.Identifiers, a.docs[ident]...)
		delete(a.docs, ident)
	}
	if c := n.get("Comment"); c != "" {
		e.Remarks = c
		mineRemarks(e, c)
	}
	a.profiles[p.attr("ID")] = e
	a.ds.Entities = append(a.ds.Entities, e)
	return nil
}

// names maps an Identity's aliases. The primary alias's first documented
// name is the entity's name; its other documented names (other scripts)
// are aliases.
func (a *advanced) names(e *entity.Entity, ident *node) {
	groups := make(map[string]string) // NamePartGroup ID -> NamePartType
	for _, m := range ident.child("NamePartGroups").all("MasterNamePartGroup") {
		for _, g := range m.all("NamePartGroup") {
			groups[g.attr("ID")] = a.ref("NamePartType", g.attr("NamePartTypeID"))
		}
	}
	for _, al := range ident.all("Alias") {
		kind := entity.NameAlias
		if strings.EqualFold(a.ref("AliasType", al.attr("AliasTypeID")), "F.K.A.") {
			kind = entity.NameFormer
		}
		q := entity.Strong
		if al.attr("LowQuality") == "true" {
			q = entity.Weak
		}
		for i, dn := range al.all("DocumentedName") {
			nm := a.documentedName(dn, groups)
			nm.Quality = q
			if nm.Full == "" {
				continue
			}
			if al.attr("Primary") == "true" && i == 0 && e.Name == "" {
				nm.Kind = entity.NamePrimary
				e.Name = nm.Full
				e.Names = append([]entity.Name{nm}, e.Names...)
				continue
			}
			nm.Kind = kind
			e.AddName(nm)
		}
	}
	if e.Name == "" && len(e.Names) > 0 {
		// No alias marked primary: promote the first name rather than
		// drop the party.
		e.Names[0].Kind = entity.NamePrimary
		e.Name = e.Names[0].Full
	}
}

// documentedName joins a DocumentedName's parts the way the legacy files
// write names: "LAST, First Middle" for people, the parts in order for
// others.
func (a *advanced) documentedName(dn *node, groups map[string]string) entity.Name {
	var family, given, whole []string
	var nm entity.Name
	for _, part := range dn.all("DocumentedNamePart") {
		v := part.child("NamePartValue")
		if v == nil || v.text == "" {
			continue
		}
		if nm.Script == "" {
			nm.Script = scriptCode(a.refs["Script"][v.attr("ScriptID")].attr("ScriptCode"))
		}
		switch groups[v.attr("NamePartGroupID")] {
		case "Last Name":
			family = append(family, v.text)
		case "First Name", "Middle Name", "Patronymic", "Matronymic", "Nickname", "Maiden Name":
			given = append(given, v.text)
		default:
			whole = append(whole, v.text)
		}
	}
	if len(family)+len(given) > 0 {
		nm.Family = strings.Join(family, " ")
		nm.Given = strings.Join(given, " ")
		nm.Full = fullName(strings.TrimSpace(nm.Family+" "+strings.Join(whole, " ")), nm.Given)
		if nm.Given == "" {
			nm.Family = ""
		}
	} else {
		nm.Full = strings.Join(whole, " ")
	}
	return nm
}

// scriptCode maps the advanced XML's ScriptCode to ISO 15924; OFAC writes
// some scripts by name.
func scriptCode(s string) string {
	switch s {
	case "Latin":
		return "Latn"
	case "Hebrew":
		return "Hebr"
	case "Japanese":
		return "Jpan"
	case "Korean":
		return "Kore"
	}
	return s
}

// feature maps one Feature of a profile.
func (a *advanced) feature(e *entity.Entity, f *node) {
	ftype := a.ref("FeatureType", f.attr("FeatureTypeID"))
	if ftype == "" {
		ftype = "Feature " + f.attr("FeatureTypeID")
	}
	for _, fv := range f.all("FeatureVersion") {
		var text string
		for _, d := range fv.all("VersionDetail") {
			v := d.text
			if id := d.attr("DetailReferenceID"); id != "" {
				v = a.ref("DetailReference", id)
			}
			text = joinNonEmpty("; ", text, v)
		}
		date, hasDate := datePeriod(fv.child("DatePeriod"))
		var loc *entity.Address
		if vl := fv.child("VersionLocation"); vl != nil {
			if l, ok := a.locations[vl.attr("LocationID")]; ok {
				loc = &l.addr
			}
		}
		a.featureValue(e, ftype, text, date, hasDate, loc)
	}
}

func (a *advanced) featureValue(e *entity.Entity, ftype, text string, date entity.Date, hasDate bool, loc *entity.Address) {
	switch strings.ToLower(ftype) {
	case "birthdate":
		if hasDate {
			e.BirthDates = append(e.BirthDates, date)
			return
		}
	case "place of birth":
		if text == "" && loc != nil {
			text = loc.Full
		}
		e.BirthPlaces = appendUniq(e.BirthPlaces, text)
		return
	case "nationality country", "citizenship country":
		c, name := "", text
		if loc != nil {
			c, name = loc.Country, loc.CountryName
		}
		if c == "" {
			c = countryCode(name)
		}
		switch {
		case c == "":
			e.AddProperty(strings.ToLower(strings.Fields(ftype)[0]), name)
		case strings.HasPrefix(strings.ToLower(ftype), "nationality"):
			e.Nationalities = appendUniq(e.Nationalities, c)
		default:
			e.Citizenships = appendUniq(e.Citizenships, c)
		}
		return
	case "location":
		if loc != nil && loc.Full != "" {
			e.Addresses = append(e.Addresses, *loc)
		}
		return
	case "gender":
		e.Gender = text
		return
	case "title":
		e.Titles = appendUniq(e.Titles, text)
		return
	case "vessel call sign":
		vessel(e).CallSign = text
		return
	case "vessel type":
		vessel(e).Type = text
		return
	case "vessel flag":
		vessel(e).Flag = text
		if c := countryCode(text); c != "" {
			e.Countries = appendUniq(e.Countries, c)
		}
		return
	case "vessel owner":
		vessel(e).Owner = text
		return
	case "vessel tonnage":
		vessel(e).Tonnage = text
		return
	case "vessel gross registered tonnage":
		vessel(e).GRT = text
		return
	case "vessel year of build":
		if text == "" && hasDate {
			text = strconv.Itoa(date.Year)
		}
		vessel(e).BuildYear = text
		return
	}
	v := text
	if v == "" && hasDate {
		v = date.String()
	}
	if v == "" && loc != nil {
		v = loc.Full
	}
	if v == "" {
		return
	}
	if _, _, ok := lookup(ftype + " " + v); ok {
		mineFragment(e, ftype+" "+v)
		return
	}
	e.AddProperty(propName(ftype), v)
}

// propName turns a feature type such as "Equity Ticker" into a property
// key, "equity_ticker".
func propName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			under = false
		} else {
			under = true
		}
	}
	return b.String()
}

func (a *advanced) relationship(n *node) {
	from, ok1 := a.profiles[n.attr("From-ProfileID")]
	to, ok2 := a.profiles[n.attr("To-ProfileID")]
	if !ok1 || !ok2 {
		a.orphans["relationships"]++
		return
	}
	kind := propName(a.ref("RelationType", n.attr("RelationTypeID")))
	if kind == "" {
		kind = "related_to"
	}
	if n.attr("Former") == "true" {
		kind = "former_" + kind
	}
	from.Relations = append(from.Relations, entity.Relation{Kind: kind, Name: to.Name, EntityID: to.ID})
}

func (a *advanced) entry(n *node) {
	e, ok := a.profiles[n.attr("ProfileID")]
	if !ok {
		a.orphans["sanctions entries"]++
		return
	}
	e.AddProperty("list", a.ref("List", n.attr("ListID")))
	for _, ev := range n.all("EntryEvent") {
		if d, ok := ymd(ev.child("Date")); ok && (e.ListedOn.IsZero() || d.String() < e.ListedOn.String()) {
			e.ListedOn = d
		}
		if lb := a.ref("LegalBasis", ev.attr("LegalBasisID")); lb != "" && lb != "Unknown" {
			e.AddProperty("legal_basis", lb)
		}
	}
	for _, m := range n.all("SanctionsMeasure") {
		typ := a.ref("SanctionsType", m.attr("SanctionsTypeID"))
		if strings.EqualFold(typ, "Program") {
			e.Programs = appendUniq(e.Programs, m.get("Comment"))
			continue
		}
		e.AddProperty("sanctions_type", joinNonEmpty(": ", typ, m.get("Comment")))
	}
}

// ymd reads a Year/Month/Day element.
func ymd(n *node) (entity.Date, bool) {
	if n == nil {
		return entity.Date{}, false
	}
	y, err := strconv.Atoi(n.get("Year"))
	if err != nil {
		return entity.Date{}, false
	}
	m, _ := strconv.Atoi(n.get("Month"))
	d, _ := strconv.Atoi(n.get("Day"))
	dt := entity.Date{Year: y, Month: m, Day: d}
	if dt.Validate() != nil {
		return entity.Date{}, false
	}
	return dt, true
}

// datePeriod reduces a DatePeriod to a Date of the precision it spans: a
// single day, a whole month or year, or a range of years.
func datePeriod(n *node) (entity.Date, bool) {
	if n == nil {
		return entity.Date{}, false
	}
	start, end := n.child("Start"), n.child("End")
	from, ok := ymd(start.child("From"))
	if !ok {
		return entity.Date{}, false
	}
	to, ok := ymd(end.child("To"))
	if !ok {
		if to, ok = ymd(start.child("To")); !ok {
			to = from
		}
	}
	d := from
	switch {
	case from == to:
	case from.Year == to.Year && from.Month == 1 && from.Day == 1 && to.Month == 12 && to.Day == 31:
		d = entity.Date{Year: from.Year}
	case from.Year == to.Year && from.Month == to.Month && from.Day == 1 && to.Day >= 28:
		d = entity.Date{Year: from.Year, Month: from.Month}
	case from.Month == 1 && from.Day == 1 && to.Month == 12 && to.Day == 31:
		d = entity.Date{Year: from.Year, YearTo: to.Year}
	case to.Year != from.Year:
		d.YearTo = to.Year
	}
	d.Circa = start.attr("Approximate") == "true" || end.attr("Approximate") == "true"
	d.Text = d.String()
	return d, true
}
