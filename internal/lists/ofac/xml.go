package ofac

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// node is one XML element read whole: the records of both XML formats
// are small, so each is read into a node and then mapped, while the file
// around them is streamed.
type node struct {
	name  string
	attrs []xml.Attr
	text  string
	kids  []*node
	line  int
}

// readNode reads the element start has just opened, up to its end tag.
// The reader's guards bound its depth and text size.
func readNode(x *parse.XMLReader, start xml.StartElement) (*node, error) {
	n := &node{name: start.Name.Local, attrs: start.Attr}
	var text strings.Builder
	for {
		tok, err := x.Token()
		if err == io.EOF {
			return nil, x.Errorf(n.name, "%w: element not closed", parse.ErrTruncated)
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			k, err := readNode(x, t)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
		case xml.CharData:
			if text.Len()+len(t) > parse.MaxFieldSize {
				return nil, x.Errorf(n.name, "text %w", parse.ErrTooLarge)
			}
			text.Write(t)
		case xml.EndElement:
			n.text = strings.TrimSpace(text.String())
			return n, nil
		}
	}
}

// child returns the first child named name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// all returns the children named name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// get returns the trimmed text of the first child named name.
func (n *node) get(name string) string {
	if k := n.child(name); k != nil {
		return k.text
	}
	return ""
}

// attr returns the value of the attribute named local.
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// checkXMLInput refuses empty input and invalid UTF-8 before decoding, so
// those errors name a line.
func checkXMLInput(data []byte, file string) error {
	if err := parse.CheckInput(data, file); err != nil {
		return err
	}
	return startsLikeXML(data, file)
}

// startsLikeXML refuses input whose first non-blank character is not "<",
// such as a CSV file given to an XML parser, with a plain message rather
// than the decoder's complaint about some character further on.
func startsLikeXML(head []byte, file string) error {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if len(head) > 0 && head[0] != '<' {
		return &parse.Error{File: file, Line: 1, Err: fmt.Errorf("%w: not XML (starts with %q)", parse.ErrFormat, string(head[:min(len(head), 16)]))}
	}
	return nil
}

// rootElement reads up to the document's root element and checks its
// name. Anything else, such as CSV text, is ErrFormat.
func rootElement(x *parse.XMLReader, want string) error {
	for {
		tok, err := x.Token()
		if err == io.EOF {
			return &parse.Error{File: x.File, Line: 1, Err: fmt.Errorf("%w: no <%s> root element; is this an OFAC XML file?", parse.ErrFormat, want)}
		}
		if err != nil {
			var pe *parse.Error
			if errors.As(err, &pe) && !errors.Is(err, parse.ErrFormat) && !errors.Is(err, parse.ErrTruncated) && !errors.Is(err, parse.ErrInvalidUTF8) && !errors.Is(err, parse.ErrTooDeep) && !errors.Is(err, parse.ErrTooLarge) {
				pe.Err = fmt.Errorf("%w: %w", parse.ErrFormat, pe.Err)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != want {
				return x.Errorf("", "%w: root element is <%s>, want <%s>", parse.ErrFormat, t.Name.Local, want)
			}
			return nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return &parse.Error{File: x.File, Line: 1, Err: fmt.Errorf("%w: text before the root element; want <%s> XML", parse.ErrFormat, want)}
			}
		}
	}
}

// ParseXML parses the classic sdnList XML (SDN.XML, CONSOLIDATED.XML),
// whatever its namespace. Published comes from Publish_Date. Each entity's
// Raw is its sdnEntry element as published.
func ParseXML(data []byte, file, source string) (*entity.Dataset, error) {
	if err := checkXMLInput(data, file); err != nil {
		return nil, err
	}
	x := parse.NewXMLReader(data, file)
	if err := rootElement(x, "sdnList"); err != nil {
		return nil, err
	}
	ds := &entity.Dataset{Source: source}
	seen := make(map[string]int)
	line, lineOff := 1, int64(0)
	recordCount, countLine := -1, 0
	for {
		off := x.Offset()
		tok, err := x.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		// Count lines incrementally: LineCol per entry would rescan the
		// file from the start each time.
		line += bytes.Count(data[lineOff:off], []byte{'\n'})
		lineOff = off
		n, err := readNode(x, start)
		if err != nil {
			return nil, err
		}
		switch n.name {
		case "publshInformation":
			if v := n.get("Publish_Date"); v != "" {
				p, err := usDate(v)
				if err != nil {
					return nil, parse.Errorf(file, line, "Publish_Date", "%w", err)
				}
				ds.Published = p
			}
			if v := n.get("Record_Count"); v != "" {
				c, err := strconv.Atoi(v)
				if err != nil || c < 0 {
					return nil, parse.Errorf(file, line, "Record_Count", "%w: %q is not a count", parse.ErrFormat, v)
				}
				recordCount, countLine = c, line
			}
		case "sdnEntry":
			e, err := sdnEntry(n, source, file, line)
			if err != nil {
				return nil, err
			}
			if first, dup := seen[e.SourceID]; dup {
				return nil, parse.Errorf(file, line, "uid", "duplicate uid %s (first on line %d)", e.SourceID, first)
			}
			seen[e.SourceID] = line
			e.Raw = strings.TrimSpace(x.Raw(off, x.Offset()))
			ds.Entities = append(ds.Entities, e)
		}
	}
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Line: line, Err: fmt.Errorf("%w: no sdnEntry elements", parse.ErrEmpty)}
	}
	// The count guards against a file that was cut and then closed, or
	// edited: the XML would be well formed but incomplete.
	if recordCount >= 0 && recordCount != len(ds.Entities) {
		return nil, parse.Errorf(file, countLine, "Record_Count", "%w: Record_Count is %d but the file has %d sdnEntry elements", parse.ErrTruncated, recordCount, len(ds.Entities))
	}
	return ds, nil
}

// usDate converts OFAC's MM/DD/YYYY to YYYY-MM-DD.
func usDate(s string) (string, error) {
	p := strings.Split(strings.TrimSpace(s), "/")
	if len(p) == 3 {
		m, err1 := strconv.Atoi(p[0])
		d, err2 := strconv.Atoi(p[1])
		y, err3 := strconv.Atoi(p[2])
		dt := entity.Date{Year: y, Month: m, Day: d}
		if err1 == nil && err2 == nil && err3 == nil && m > 0 && d > 0 && dt.Validate() == nil {
			return dt.String(), nil
		}
	}
	return "", fmt.Errorf("%w: date %q, want MM/DD/YYYY", parse.ErrFormat, s)
}

// fullName joins OFAC's last and first names as the CSV writes them:
// "MEHRABI, Abdollah".
func fullName(last, first string) string {
	switch {
	case last == "":
		return first
	case first == "":
		return last
	}
	return last + ", " + first
}

// sdnEntry maps one sdnEntry element.
func sdnEntry(n *node, source, file string, line int) (*entity.Entity, error) {
	uid := n.get("uid")
	num, err := strconv.Atoi(uid)
	if err != nil || num <= 0 {
		return nil, parse.Errorf(file, line, "uid", "%w: %q is not a positive integer", parse.ErrFormat, uid)
	}
	id := strconv.Itoa(num)
	e := &entity.Entity{ID: source + ":" + id, Source: source, SourceID: id}
	last, first := n.get("lastName"), n.get("firstName")
	e.Name = fullName(last, first)
	if e.Name == "" {
		return nil, parse.Errorf(file, line, "lastName", "%w: entry %s has no name", parse.ErrFormat, id)
	}
	e.Names = []entity.Name{{Full: e.Name, Kind: entity.NamePrimary, Quality: entity.Strong, Given: first, Family: familyIf(last, first)}}
	if e.Type, err = partyType(n.get("sdnType")); err != nil {
		return nil, parse.Errorf(file, line, "sdnType", "%w", err)
	}
	if v := n.get("title"); v != "" {
		e.Titles = []string{v}
	}
	for _, p := range n.child("programList").all("program") {
		e.Programs = appendUniq(e.Programs, p.text)
	}
	for _, a := range n.child("akaList").all("aka") {
		nm := entity.Name{Full: fullName(a.get("lastName"), a.get("firstName")), Kind: entity.NameAlias, Quality: entity.Strong,
			Given: a.get("firstName"), Family: familyIf(a.get("lastName"), a.get("firstName"))}
		if nm.Full == "" {
			return nil, parse.Errorf(file, line, "aka", "%w: alias %s of entry %s has no name", parse.ErrFormat, a.get("uid"), id)
		}
		if strings.EqualFold(a.get("category"), "weak") {
			nm.Quality = entity.Weak
		}
		if strings.EqualFold(a.get("type"), "f.k.a.") {
			nm.Kind = entity.NameFormer
		}
		e.AddName(nm)
	}
	for _, a := range n.child("addressList").all("address") {
		addr := entity.Address{
			Street:      joinNonEmpty(", ", a.get("address1"), a.get("address2"), a.get("address3")),
			City:        a.get("city"),
			Region:      a.get("stateOrProvince"),
			PostalCode:  a.get("postalCode"),
			CountryName: a.get("country"),
		}
		addr.Country = countryCode(addr.CountryName)
		addr.Full = joinNonEmpty(", ", addr.Street, addr.City, addr.Region, addr.PostalCode, addr.CountryName)
		if addr.Full != "" {
			e.Addresses = append(e.Addresses, addr)
		}
	}
	for _, k := range n.child("nationalityList").all("nationality") {
		mineFragment(e, "nationality "+k.get("country"))
	}
	for _, k := range n.child("citizenshipList").all("citizenship") {
		mineFragment(e, "citizen "+k.get("country"))
	}
	for _, k := range n.child("dateOfBirthList").all("dateOfBirthItem") {
		mineFragment(e, "DOB "+k.get("dateOfBirth"))
	}
	for _, k := range n.child("placeOfBirthList").all("placeOfBirthItem") {
		mineFragment(e, "POB "+k.get("placeOfBirth"))
	}
	if vi := n.child("vesselInfo"); vi != nil {
		v := entity.VesselInfo{CallSign: vi.get("callSign"), Type: vi.get("vesselType"), Flag: vi.get("vesselFlag"),
			Owner: vi.get("vesselOwner"), Tonnage: vi.get("tonnage"), GRT: vi.get("grossRegisteredTonnage")}
		if v != (entity.VesselInfo{}) {
			e.Vessel = &v
			if c := countryCode(v.Flag); c != "" {
				e.Countries = appendUniq(e.Countries, c)
			}
		}
	}
	for _, k := range n.child("idList").all("id") {
		addListedID(e, k.get("idType"), k.get("idNumber"), k.get("idCountry"), k.get("issueDate"), k.get("expirationDate"))
	}
	e.Remarks = n.get("remarks")
	mineRemarks(e, e.Remarks)
	return e, nil
}

func familyIf(last, first string) string {
	if first == "" {
		return ""
	}
	return last
}

// addListedID maps one id element of the classic XML (or one advanced
// IDRegDocument). OFAC puts more than documents in idList ("Additional
// Sanctions Information -", "Website", "Gender"), so it goes through the
// remark rules; an id type no rule knows is kept as an "other"
// identifier under its published label.
func addListedID(e *entity.Entity, typ, number, countryName, issued, expires string) {
	typ, number = strings.TrimSpace(typ), strings.TrimSpace(number)
	if typ == "" && number == "" {
		return
	}
	frag := strings.TrimSpace(typ + " " + number)
	r, v, ok := lookup(frag)
	if !ok || r.kind != kID {
		if ok || typ == "" {
			mineFragment(e, frag)
			return
		}
		r, v = rule{kind: kID, arg: entity.IDOther}, number
	}
	id := entity.Identifier{Type: r.arg, Label: labelOf(frag, v), Number: v}
	if id.Number == "" {
		id.Number = number
	}
	if countryName != "" {
		id.Country = countryCode(countryName)
		if id.Country == "" {
			id.Note = countryName
		}
	}
	if issued != "" {
		id.Issued = isoDate(issued)
	}
	if expires != "" {
		id.Expires = isoDate(expires)
	}
	if id.Number == "" {
		return
	}
	e.Identifiers = append(e.Identifiers, id)
}
