package messages

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
)

// MaxJSONBytes bounds one bill of lading or invoice file.
const MaxJSONBytes = 4 << 20

// jnode is one JSON value with its place in the file.
type jnode struct {
	kind   byte // '{', '[', '"', 'n' (number), 'b', '0' (null)
	str    string
	num    json.Number
	b      bool
	keys   []string
	vals   []*jnode
	keyPos []int
	items  []*jnode
	start  int
	end    int
}

// readJSONTree reads one JSON value, and nothing after it, into a tree
// with offsets.
func readJSONTree(data []byte, file string, li lineIndex) (*jnode, *Error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	fail := func(off int, format string, args ...any) *Error {
		l, c := li.pos(min(off, len(data)))
		return &Error{File: file, Line: l, Column: c, Msg: fmt.Sprintf(format, args...)}
	}
	depth := 0
	var read func() (*jnode, *Error)
	startOf := func(from int) int {
		for from < len(data) && (isSpace(data[from]) || data[from] == ',' || data[from] == ':') {
			from++
		}
		return from
	}
	token := func() (json.Token, int, *Error) {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				return nil, 0, fail(int(se.Offset), "JSON syntax error: %v", se)
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				return nil, 0, fail(len(data), "the JSON ends before the document is complete (truncated file?)")
			}
			return nil, 0, fail(before, "%v", err)
		}
		return tok, startOf(before), nil
	}
	read = func() (*jnode, *Error) {
		tok, start, err := token()
		if err != nil {
			return nil, err
		}
		n := &jnode{start: start}
		switch t := tok.(type) {
		case json.Delim:
			depth++
			if depth > 32 {
				return nil, fail(start, "JSON nested deeper than 32 levels")
			}
			switch t {
			case '{':
				n.kind = '{'
				for dec.More() {
					kt, kpos, err := token()
					if err != nil {
						return nil, err
					}
					k, _ := kt.(string)
					v, err := read()
					if err != nil {
						return nil, err
					}
					n.keys, n.vals, n.keyPos = append(n.keys, k), append(n.vals, v), append(n.keyPos, kpos)
				}
			case '[':
				n.kind = '['
				for dec.More() {
					v, err := read()
					if err != nil {
						return nil, err
					}
					n.items = append(n.items, v)
				}
			}
			if _, _, err := token(); err != nil { // closing delimiter
				return nil, err
			}
			depth--
		case string:
			n.kind, n.str = '"', t
		case json.Number:
			n.kind, n.num = 'n', t
		case bool:
			n.kind, n.b = 'b', t
		case nil:
			n.kind = '0'
		}
		n.end = int(dec.InputOffset())
		return n, nil
	}
	root, err := read()
	if err != nil {
		return nil, err
	}
	if _, e := dec.Token(); e != io.EOF {
		return nil, fail(int(dec.InputOffset()), "data after the document object")
	}
	return root, nil
}

// jctx reads a JSON tree against the document schema, collecting every
// error with its path and line:column.
type jctx struct {
	file string
	li   lineIndex
	errs Errors
}

func (c *jctx) err(n *jnode, path, format string, args ...any) {
	l, col := c.li.pos(n.start)
	c.errs = append(c.errs, &Error{File: c.file, Line: l, Column: col, Field: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *jctx) loc(n *jnode, path string) Location {
	l, col := c.li.pos(n.start)
	return Location{Field: path, Line: l, Column: col, Start: n.start, End: n.end}
}

var kindNames = map[byte]string{'{': "an object", '[': "an array", '"': "a string", 'n': "a number", 'b': "true or false", '0': "null"}

// object checks n is an object with only the given keys (a trailing "!"
// marks a required key) and returns its members by key.
func (c *jctx) object(n *jnode, path string, keys ...string) map[string]*jnode {
	if n == nil {
		return nil
	}
	if n.kind != '{' {
		c.err(n, path, "want an object, got %s", kindNames[n.kind])
		return nil
	}
	allowed := map[string]bool{}
	for _, k := range keys {
		allowed[strings.TrimSuffix(k, "!")] = true
	}
	m := map[string]*jnode{}
	for i, k := range n.keys {
		p := join(path, k)
		switch {
		case !allowed[k]:
			c.err(&jnode{start: n.keyPos[i]}, p, "unknown field")
		case m[k] != nil:
			c.err(&jnode{start: n.keyPos[i]}, p, "field given twice")
		case n.vals[i].kind == '0':
			// null is the same as absent
		default:
			m[k] = n.vals[i]
		}
	}
	for _, k := range keys {
		if name, ok := strings.CutSuffix(k, "!"); ok && m[name] == nil {
			c.err(n, join(path, name), "required")
		}
	}
	return m
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (c *jctx) str(m map[string]*jnode, path, key string) string {
	n := m[key]
	if n == nil {
		return ""
	}
	if n.kind != '"' {
		c.err(n, join(path, key), "want a string, got %s", kindNames[n.kind])
		return ""
	}
	if len(n.str) > 2000 {
		c.err(n, join(path, key), "longer than 2000 bytes")
		return ""
	}
	return strings.TrimSpace(n.str)
}

func (c *jctx) num(m map[string]*jnode, path, key string) float64 {
	n := m[key]
	if n == nil {
		return 0
	}
	if n.kind != 'n' {
		c.err(n, join(path, key), "want a number, got %s", kindNames[n.kind])
		return 0
	}
	f, err := n.num.Float64()
	if err != nil || f < 0 {
		c.err(n, join(path, key), "want a non-negative number, got %s", n.num)
		return 0
	}
	return f
}

func (c *jctx) array(m map[string]*jnode, path, key string, max int) []*jnode {
	n := m[key]
	if n == nil {
		return nil
	}
	if n.kind != '[' {
		c.err(n, join(path, key), "want an array, got %s", kindNames[n.kind])
		return nil
	}
	if len(n.items) > max {
		c.err(n, join(path, key), "more than %d entries", max)
		return nil
	}
	return n.items
}

func (c *jctx) date(m map[string]*jnode, path, key string) string {
	s := c.str(m, path, key)
	if s != "" && !validDate(s) {
		c.err(m[key], join(path, key), "want a date YYYY-MM-DD, got %q", s)
		return ""
	}
	return s
}

func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, e1 := strconv.Atoi(s[:4])
	mo, e2 := strconv.Atoi(s[5:7])
	d, e3 := strconv.Atoi(s[8:])
	return e1 == nil && e2 == nil && e3 == nil && y > 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31
}

var partyKeys = []string{"name!", "address", "city", "country", "identifiers", "bic"}

// party reads a party object.
func (c *jctx) party(d *Document, m map[string]*jnode, key, role string) {
	n := m[key]
	if n == nil {
		return
	}
	pm := c.object(n, key, partyKeys...)
	if pm == nil {
		return
	}
	p := Party{Role: role, Name: c.str(pm, key, "name"), Town: c.str(pm, key, "city"), Loc: c.loc(n, key)}
	if len(p.Name) > 500 {
		c.err(pm["name"], key+".name", "longer than 500 bytes")
	}
	for i, a := range c.array(pm, key, "address", 10) {
		if a.kind != '"' {
			c.err(a, fmt.Sprintf("%s.address[%d]", key, i), "want a string, got %s", kindNames[a.kind])
			continue
		}
		p.Address = append(p.Address, strings.TrimSpace(a.str))
	}
	if cs := c.str(pm, key, "country"); cs != "" {
		if p.Country = country.Code(cs); p.Country == "" {
			c.err(pm["country"], key+".country", "unknown country %q (want an ISO code or an English country name)", cs)
		}
		p.CountryFrom = "structured"
	} else if cc := addressCountry(p.Address); cc != "" {
		p.Country, p.CountryFrom = cc, "address"
	}
	if bic := c.str(pm, key, "bic"); bic != "" {
		if !validBIC(bic) {
			c.err(pm["bic"], key+".bic", "%q is not a BIC", bic)
		}
		p.BIC = bic
		p.Identifiers = append(p.Identifiers, bicIDs(bic)...)
	}
	for i, idn := range c.array(pm, key, "identifiers", 20) {
		path := fmt.Sprintf("%s.identifiers[%d]", key, i)
		im := c.object(idn, path, "type", "number!")
		if im != nil {
			p.Identifiers = append(p.Identifiers, Identifier{Type: c.str(im, path, "type"), Number: c.str(im, path, "number")})
		}
	}
	d.Parties = append(d.Parties, p)
}

// place reads {"name": ..., "locode": ...}; either may be given.
func (c *jctx) place(d *Document, n *jnode, path, role string) {
	if n == nil {
		return
	}
	pm := c.object(n, path, "name", "locode")
	if pm == nil {
		return
	}
	name, code := c.str(pm, path, "name"), strings.ToUpper(c.str(pm, path, "locode"))
	if name == "" && code == "" {
		c.err(n, path, "want a name or a locode")
		return
	}
	if code != "" {
		cc := strings.ReplaceAll(code, " ", "")
		if len(cc) != 5 || country.Code(cc[:2]) != cc[:2] {
			c.err(pm["locode"], path+".locode", "%q is not a UN/LOCODE (two-letter country and three characters, such as RUMCX)", code)
			return
		}
		code = cc
	}
	text := name
	if text == "" {
		text = code
	}
	d.Places = append(d.Places, Place{Role: role, Text: text, LOCODE: code, Loc: c.loc(n, path)})
}

func (c *jctx) hs(m map[string]*jnode, path string) string {
	s := c.str(m, path, "hs_code")
	if s == "" {
		return ""
	}
	if _, err := goods.ParseCode(s); err != nil {
		c.err(m["hs_code"], path+".hs_code", "%v", err)
		return ""
	}
	return s
}

func (c *jctx) freeText(d *Document, m map[string]*jnode, path, key, name string) {
	if n := m[key]; n != nil && n.kind == '"' && strings.TrimSpace(n.str) != "" {
		// The text's offsets are those of the string's contents, inside
		// its quotes, so that a string without escapes is file[start:end]
		// and a scanner's mentions in it map to the file exactly.
		loc := c.loc(n, join(path, key))
		loc.Start, loc.End, loc.Column = loc.Start+1, loc.End-1, loc.Column+1
		d.FreeText = append(d.FreeText, FreeText{Name: name, Text: n.str, Loc: loc})
	}
}

// ParseTrade reads a bill of lading or commercial invoice in the JSON form
// of docs/documents.md. want is FormatBL, FormatInvoice or "" (take the
// "document" field).
func ParseTrade(data []byte, file, want string) ([]*Document, Errors) {
	if len(data) > MaxJSONBytes {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("file larger than %d bytes", MaxJSONBytes)}}
	}
	li := newLineIndex(data)
	root, err := readJSONTree(data, file, li)
	if err != nil {
		return nil, Errors{err}
	}
	c := &jctx{file: file, li: li}
	if root.kind != '{' {
		c.err(root, "", "want a JSON object, got %s", kindNames[root.kind])
		return nil, c.errs
	}
	kind := ""
	for i, k := range root.keys {
		if k == "document" && root.vals[i].kind == '"' {
			kind = root.vals[i].str
		}
	}
	switch {
	case kind == "":
		c.err(root, "document", "required: \"bill_of_lading\" or \"invoice\"")
		return nil, c.errs
	case kind != KindBillOfLading && kind != KindInvoice:
		c.err(root, "document", "unknown document %q (want bill_of_lading or invoice)", kind)
		return nil, c.errs
	case want == FormatBL && kind != KindBillOfLading, want == FormatInvoice && kind != KindInvoice:
		c.err(root, "document", "is %q, but --format %s was asked for", kind, want)
		return nil, c.errs
	}
	l, _ := li.pos(root.start)
	d := &Document{File: file, Kind: kind, Type: kind, Line: l}
	if kind == KindBillOfLading {
		d.Format = FormatBL
		c.billOfLading(d, root)
	} else {
		d.Format = FormatInvoice
		c.invoice(d, root)
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return []*Document{d}, nil
}

func (c *jctx) billOfLading(d *Document, root *jnode) {
	m := c.object(root, "", "document!", "bl_number!", "issue_date", "shipped_on_board_date", "shipper!", "consignee!", "notify_party", "carrier",
		"vessel!", "port_of_loading!", "port_of_discharge!", "place_of_receipt", "place_of_delivery", "transshipment_ports", "containers!", "freight_terms", "remarks")
	if m == nil {
		return
	}
	d.Reference = c.str(m, "", "bl_number")
	d.Date = c.date(m, "", "shipped_on_board_date")
	if issue := c.date(m, "", "issue_date"); d.Date == "" {
		d.Date = issue
	}
	c.party(d, m, "shipper", RoleShipper)
	c.party(d, m, "consignee", RoleConsignee)
	c.party(d, m, "notify_party", RoleNotifyParty)
	c.party(d, m, "carrier", RoleCarrier)
	if vn := m["vessel"]; vn != nil {
		vm := c.object(vn, "vessel", "name!", "imo", "voyage", "flag")
		if vm != nil {
			v := Vessel{Name: c.str(vm, "vessel", "name"), IMO: c.str(vm, "vessel", "imo"), Voyage: c.str(vm, "vessel", "voyage"), Loc: c.loc(vn, "vessel")}
			if v.IMO != "" {
				v.IMO = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(v.IMO), "IMO"))
				if !validIMO(v.IMO) {
					c.err(vm["imo"], "vessel.imo", "%q is not a valid IMO number (7 digits with a check digit)", vm["imo"].str)
				}
			}
			d.Vessels = append(d.Vessels, v)
		}
	}
	c.place(d, m["place_of_receipt"], "place_of_receipt", PlaceOfReceipt)
	c.place(d, m["port_of_loading"], "port_of_loading", PlacePortOfLoading)
	for i, t := range c.array(m, "", "transshipment_ports", 10) {
		c.place(d, t, fmt.Sprintf("transshipment_ports[%d]", i), PlaceTransshipment)
	}
	c.place(d, m["port_of_discharge"], "port_of_discharge", PlacePortOfDischarge)
	c.place(d, m["place_of_delivery"], "place_of_delivery", PlaceOfDelivery)
	containers := c.array(m, "", "containers", 500)
	if m["containers"] != nil && len(containers) == 0 && m["containers"].kind == '[' {
		c.err(m["containers"], "containers", "at least one container or cargo entry is required")
	}
	for i, cn := range containers {
		path := fmt.Sprintf("containers[%d]", i)
		cm := c.object(cn, path, "number", "seal", "type", "lines!")
		if cm == nil {
			continue
		}
		num := c.str(cm, path, "number")
		c.str(cm, path, "seal")
		c.str(cm, path, "type")
		lines := c.array(cm, path, "lines", 500)
		if cm["lines"] != nil && len(lines) == 0 && cm["lines"].kind == '[' {
			c.err(cm["lines"], path+".lines", "at least one line is required")
		}
		for j, ln := range lines {
			lp := fmt.Sprintf("%s.lines[%d]", path, j)
			lm := c.object(ln, lp, "description!", "hs_code", "quantity", "unit", "gross_weight_kg", "marks")
			if lm == nil {
				continue
			}
			g := Goods{Description: c.str(lm, lp, "description"), HSCode: c.hs(lm, lp), Quantity: c.num(lm, lp, "quantity"),
				Unit: c.str(lm, lp, "unit"), Container: num, Loc: c.loc(ln, lp)}
			c.num(lm, lp, "gross_weight_kg")
			c.str(lm, lp, "marks")
			c.freeText(d, lm, lp, "description", "goods description")
			c.freeText(d, lm, lp, "marks", "marks and numbers")
			d.Goods = append(d.Goods, g)
		}
	}
	if ft := c.str(m, "", "freight_terms"); ft != "" && ft != "prepaid" && ft != "collect" {
		c.err(m["freight_terms"], "freight_terms", "want prepaid or collect, got %q", ft)
	}
	c.freeText(d, m, "", "remarks", "remarks")
}

func (c *jctx) invoice(d *Document, root *jnode) {
	m := c.object(root, "", "document!", "invoice_number!", "date!", "seller!", "buyer!", "consignee", "end_user", "currency!", "incoterms",
		"payment_terms", "port_of_loading", "port_of_discharge", "destination_country", "license_number", "lines!", "remarks")
	if m == nil {
		return
	}
	d.Reference = c.str(m, "", "invoice_number")
	d.Date = c.date(m, "", "date")
	c.party(d, m, "seller", RoleSeller)
	c.party(d, m, "buyer", RoleBuyer)
	c.party(d, m, "consignee", RoleConsignee)
	c.party(d, m, "end_user", RoleEndUser)
	cur := c.str(m, "", "currency")
	if cur != "" && !isAlpha(cur, 3) {
		c.err(m["currency"], "currency", "want a three-letter ISO 4217 code, got %q", cur)
	}
	if inc := c.str(m, "", "incoterms"); inc != "" {
		// "FCA Hamburg": the rule and its named place.
		rule, _, _ := strings.Cut(inc, " ")
		if incoRe.FindString(strings.ToUpper(rule)) != strings.ToUpper(rule) {
			c.err(m["incoterms"], "incoterms", "unknown Incoterm %q (want EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU or DDP, then the named place)", rule)
		}
		d.Incoterms = strings.ToUpper(rule)
	}
	d.PaymentTerms = c.str(m, "", "payment_terms")
	d.LicenseNumber = c.str(m, "", "license_number")
	c.place(d, m["port_of_loading"], "port_of_loading", PlacePortOfLoading)
	c.place(d, m["port_of_discharge"], "port_of_discharge", PlacePortOfDischarge)
	if dc := c.str(m, "", "destination_country"); dc != "" {
		if country.Code(dc) == "" {
			c.err(m["destination_country"], "destination_country", "unknown country %q", dc)
		}
		d.Places = append(d.Places, Place{Role: PlaceDestination, Text: dc, Loc: c.loc(m["destination_country"], "destination_country")})
	}
	lines := c.array(m, "", "lines", 2000)
	if m["lines"] != nil && len(lines) == 0 && m["lines"].kind == '[' {
		c.err(m["lines"], "lines", "at least one line is required")
	}
	var total float64
	for i, ln := range lines {
		lp := fmt.Sprintf("lines[%d]", i)
		lm := c.object(ln, lp, "description!", "hs_code", "part_number", "manufacturer", "quantity!", "unit", "unit_price!", "end_use", "country_of_origin")
		if lm == nil {
			continue
		}
		g := Goods{Description: c.str(lm, lp, "description"), HSCode: c.hs(lm, lp), PartNumber: c.str(lm, lp, "part_number"), Maker: c.str(lm, lp, "manufacturer"),
			Quantity: c.num(lm, lp, "quantity"), Unit: c.str(lm, lp, "unit"), UnitValue: c.num(lm, lp, "unit_price"), Currency: cur, EndUse: c.str(lm, lp, "end_use"), Loc: c.loc(ln, lp)}
		if co := c.str(lm, lp, "country_of_origin"); co != "" && country.Code(co) == "" {
			c.err(lm["country_of_origin"], lp+".country_of_origin", "unknown country %q", co)
		}
		total += g.Quantity * g.UnitValue
		c.freeText(d, lm, lp, "description", "goods description")
		d.Goods = append(d.Goods, g)
	}
	if cur != "" && m["lines"] != nil {
		d.Amount = &Amount{Currency: cur, Value: strconv.FormatFloat(total, 'f', 2, 64), Loc: c.loc(m["lines"], "lines")}
	}
	c.freeText(d, m, "", "remarks", "remarks")
	c.freeText(d, m, "", "payment_terms", "payment terms")
}
