package messages

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// Limits on one ISO 20022 file.
const (
	MaxXMLBytes    = 16 << 20
	maxXMLElements = 200000
)

// isoNS is the namespace prefix of the ISO 20022 message schemas.
const isoNS = "urn:iso:std:iso:20022:tech:xsd:"

// xnode is one element of an ISO 20022 message with its place in the file.
type xnode struct {
	name     string
	text     string
	kids     []*xnode
	parent   *xnode
	line     int
	col      int
	start    int // offset of the start tag
	end      int // offset after the end tag
	textFrom int // offsets of the character data
	textTo   int
	attr     []xml.Attr
}

func (n *xnode) child(name string) *xnode {
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

// get follows a path of child names ("FinInstnId/BICFI").
func (n *xnode) get(path string) *xnode {
	for _, p := range strings.Split(path, "/") {
		n = n.child(p)
		if n == nil {
			return nil
		}
	}
	return n
}

func (n *xnode) val(path string) string {
	if c := n.get(path); c != nil {
		return c.text
	}
	return ""
}

func (n *xnode) all(name string) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// path is the element path from the message root, for error messages and
// locations.
func (n *xnode) path() string {
	var parts []string
	for c := n; c != nil; c = c.parent {
		parts = append(parts, c.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

func (n *xnode) loc() Location {
	return Location{Field: n.path(), Line: n.line, Column: n.col, Start: n.start, End: n.end}
}

func (n *xnode) textLoc() Location {
	l := n.loc()
	l.Start, l.End = n.textFrom, n.textTo
	return l
}

// isoMessages are the supported message definitions: the root element
// under Document and the document kind.
var isoMessages = map[string]string{"pacs.008": "FIToFICstmrCdtTrf", "pacs.009": "FICdtTrf", "pain.001": "CstmrCdtTrfInitn"}

// ParseISO20022 reads an ISO 20022 pacs.008, pacs.009 or pain.001 message
// (a Document, alone or inside a business message envelope with its
// AppHdr). Each credit transfer transaction is one Document, carrying the
// parties and agents of the group header and payment information above
// it.
func ParseISO20022(data []byte, file string) ([]*Document, Errors) {
	fail := func(e *Error) ([]*Document, Errors) { return nil, Errors{e} }
	if len(data) > MaxXMLBytes {
		return fail(&Error{File: file, Msg: fmt.Sprintf("file larger than %d bytes", MaxXMLBytes)})
	}
	li := newLineIndex(data)
	root, err := readXMLTree(data, file, li)
	if err != nil {
		return fail(err)
	}
	doc := findDocument(root)
	if doc == nil {
		l, c := li.pos(root.start)
		return fail(&Error{File: file, Line: l, Column: c, Field: root.name, Msg: "no ISO 20022 Document element (want <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\"> or pacs.009, pain.001)"})
	}
	ns := doc.text // the namespace is kept in text for Document nodes
	version := strings.TrimPrefix(ns, isoNS)
	def := version
	if i := strings.LastIndex(version, ".001."); i > 0 {
		def = version[:i]
	}
	def = def[:min(len(def), 8)]
	msgRoot, ok := isoMessages[def]
	if !strings.HasPrefix(ns, isoNS) || !ok {
		return fail(&Error{File: file, Line: doc.line, Column: doc.col, Field: "Document", Msg: fmt.Sprintf("namespace %q is not a supported ISO 20022 message (want %spacs.008.001.nn, pacs.009.001.nn or pain.001.001.nn)", ns, isoNS)})
	}
	m := doc.child(msgRoot)
	if m == nil {
		return fail(&Error{File: file, Line: doc.line, Column: doc.col, Field: "Document/" + msgRoot, Msg: fmt.Sprintf("%s message without its %s element", def, msgRoot)})
	}
	p := &isoParser{file: file, typ: version}
	var docs []*Document
	switch def {
	case "pacs.008", "pacs.009":
		grp := p.require(m, "GrpHdr")
		if grp != nil {
			p.require(grp, "MsgId")
		}
		txs := m.all("CdtTrfTxInf")
		if len(txs) == 0 {
			p.errAt(m, "CdtTrfTxInf", "no credit transfer transaction (CdtTrfTxInf is mandatory)")
		}
		for _, tx := range txs {
			d := p.newDoc(tx)
			if grp != nil {
				p.agents(d, grp, "")
				if dt := grp.val("IntrBkSttlmDt"); dt != "" {
					d.Date = dt
				}
			}
			p.transaction(d, tx, def)
			docs = append(docs, d)
		}
	case "pain.001":
		grp := p.require(m, "GrpHdr")
		if grp != nil {
			p.require(grp, "MsgId")
		}
		pmts := m.all("PmtInf")
		if len(pmts) == 0 {
			p.errAt(m, "PmtInf", "no payment information (PmtInf is mandatory)")
		}
		for _, pi := range pmts {
			txs := pi.all("CdtTrfTxInf")
			if len(txs) == 0 {
				p.errAt(pi, "CdtTrfTxInf", "payment information without a credit transfer transaction")
			}
			p.require(pi, "Dbtr")
			p.require(pi, "DbtrAgt")
			for _, tx := range txs {
				d := p.newDoc(tx)
				if grp != nil {
					p.party(d, grp.child("InitgPty"), RoleInitiatingParty)
				}
				p.party(d, pi.child("Dbtr"), RoleOrderingCustomer)
				p.party(d, pi.child("UltmtDbtr"), RoleUltimateDebtor)
				p.agent(d, pi.child("DbtrAgt"), RoleDebtorAgent)
				if dt := pi.val("ReqdExctnDt/Dt"); dt != "" {
					d.Date = dt
				} else if dt := pi.val("ReqdExctnDt"); dt != "" {
					d.Date = dt
				}
				p.transaction(d, tx, def)
				docs = append(docs, d)
			}
		}
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return docs, nil
}

type isoParser struct {
	file string
	typ  string
	errs Errors
}

func (p *isoParser) errAt(n *xnode, field, format string, args ...any) {
	path := n.path()
	if field != "" {
		path += "/" + field
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: n.line, Column: n.col, Field: path, Msg: fmt.Sprintf(format, args...)})
}

func (p *isoParser) require(n *xnode, name string) *xnode {
	c := n.child(name)
	if c == nil {
		p.errAt(n, name, "mandatory element %s is missing", name)
	}
	return c
}

func (p *isoParser) newDoc(tx *xnode) *Document {
	return &Document{File: p.file, Format: FormatISO20022, Type: p.typ, Kind: KindPayment, Line: tx.line}
}

// transaction reads one CdtTrfTxInf.
func (p *isoParser) transaction(d *Document, tx *xnode, def string) {
	pid := p.require(tx, "PmtId")
	if pid != nil {
		d.Reference = pid.val("EndToEndId")
		if d.Reference == "" {
			p.errAt(pid, "EndToEndId", "mandatory element EndToEndId is missing or empty")
		}
		if id := pid.val("InstrId"); d.Reference == "NOTPROVIDED" && id != "" {
			d.Reference = id
		}
	}
	amt := tx.child("IntrBkSttlmAmt")
	if amt == nil {
		amt = tx.get("Amt/InstdAmt")
	}
	if amt == nil && def != "pain.001" {
		p.errAt(tx, "IntrBkSttlmAmt", "mandatory element IntrBkSttlmAmt is missing")
	}
	if amt != nil {
		p.amount(d, amt)
	}
	if dt := tx.val("IntrBkSttlmDt"); dt != "" {
		d.Date = dt
	}
	p.agents(d, tx, "")
	switch def {
	case "pacs.008", "pain.001":
		if def == "pacs.008" {
			p.require(tx, "Dbtr")
			p.require(tx, "DbtrAgt")
		}
		p.require(tx, "Cdtr")
		p.party(d, tx.child("Dbtr"), RoleOrderingCustomer)
		p.party(d, tx.child("UltmtDbtr"), RoleUltimateDebtor)
		p.party(d, tx.child("Cdtr"), RoleBeneficiary)
		p.party(d, tx.child("UltmtCdtr"), RoleUltimateCreditor)
		p.party(d, tx.child("InitgPty"), RoleInitiatingParty)
	case "pacs.009":
		// Debtor and creditor of a bank transfer are banks.
		p.require(tx, "Dbtr")
		p.require(tx, "Cdtr")
		p.agent(d, tx.child("Dbtr"), "debtor_institution")
		p.agent(d, tx.child("Cdtr"), "creditor_institution")
		if u := tx.child("UndrlygCstmrCdtTrf"); u != nil {
			// The cover's underlying customer credit transfer: the real
			// payer and payee the banks move the money for.
			p.party(d, u.child("Dbtr"), RoleOrderingCustomer)
			p.party(d, u.child("UltmtDbtr"), RoleUltimateDebtor)
			p.party(d, u.child("Cdtr"), RoleBeneficiary)
			p.party(d, u.child("UltmtCdtr"), RoleUltimateCreditor)
			p.party(d, u.child("InitgPty"), RoleInitiatingParty)
			p.agents(d, u, "")
			p.remittance(d, u)
			if amt := u.child("InstdAmt"); amt != nil && d.Amount == nil {
				p.amount(d, amt)
			}
		}
	}
	p.remittance(d, tx)
	for _, n := range []string{"InstrForCdtrAgt/InstrInf", "InstrForNxtAgt/InstrInf", "Purp/Prtry"} {
		if c := tx.get(n); c != nil && c.text != "" {
			d.FreeText = append(d.FreeText, FreeText{Name: "instruction " + n, Text: c.text, Loc: c.textLoc()})
		}
	}
}

// agents reads the agent elements directly under n.
func (p *isoParser) agents(d *Document, n *xnode, _ string) {
	for _, a := range []struct{ el, role string }{
		{"InstgAgt", RoleInstructingAgent}, {"InstdAgt", RoleInstructedAgent},
		{"PrvsInstgAgt1", "previous_instructing_agent"}, {"PrvsInstgAgt2", "previous_instructing_agent"}, {"PrvsInstgAgt3", "previous_instructing_agent"},
		{"IntrmyAgt1", RoleIntermediary}, {"IntrmyAgt2", RoleIntermediary}, {"IntrmyAgt3", RoleIntermediary},
		{"DbtrAgt", RoleDebtorAgent}, {"CdtrAgt", RoleCreditorAgent},
	} {
		p.agent(d, n.child(a.el), a.role)
	}
}

// agent reads a branch and financial institution identification.
func (p *isoParser) agent(d *Document, n *xnode, role string) {
	if n == nil {
		return
	}
	fi := n.child("FinInstnId")
	if fi == nil {
		p.errAt(n, "FinInstnId", "agent without FinInstnId")
		return
	}
	pt := Party{Role: role, Bank: true, Loc: n.loc()}
	bic := fi.child("BICFI")
	if bic == nil {
		bic = fi.child("BIC") // versions before 2009
	}
	if bic != nil {
		if !validBIC(bic.text) {
			p.errAt(bic, "", "%q is not a BIC (8 or 11 characters: bank, country, location, branch)", bic.text)
			return
		}
		pt.BIC, pt.Name, pt.Country, pt.CountryFrom, pt.Identifiers = bic.text, bic.text, bicCountry(bic.text), "bic", bicIDs(bic.text)
	}
	if nm := fi.val("Nm"); nm != "" {
		pt.Name = nm
	}
	if lei := fi.val("LEI"); lei != "" {
		pt.Identifiers = append(pt.Identifiers, Identifier{Type: "LEI", Number: lei})
	}
	p.address(&pt, fi.child("PstlAdr"))
	if pt.Name == "" {
		if id := fi.val("ClrSysMmbId/MmbId"); id != "" {
			pt.Name = id
			pt.Identifiers = append(pt.Identifiers, Identifier{Type: "clearing_member", Number: id})
		}
	}
	if pt.Name == "" {
		p.errAt(fi, "", "agent with neither BICFI, name nor clearing member id: nothing to screen")
		return
	}
	d.Parties = append(d.Parties, pt)
}

// party reads a party identification (Nm, PstlAdr, Id, CtryOfRes).
func (p *isoParser) party(d *Document, n *xnode, role string) {
	if n == nil {
		return
	}
	// Newer versions nest the party in Pty.
	if pty := n.child("Pty"); pty != nil {
		n = pty
	}
	pt := Party{Role: role, Name: n.val("Nm"), Loc: n.loc()}
	p.address(&pt, n.child("PstlAdr"))
	if pt.Country == "" {
		if c := n.val("CtryOfRes"); c != "" {
			p.country(&pt, n.child("CtryOfRes"), "residence")
		}
	}
	if n.get("Id/PrvtId") != nil {
		pt.Type = "person"
	}
	if org := n.get("Id/OrgId"); org != nil {
		pt.Type = "organization"
		if bic := org.val("AnyBIC"); bic != "" {
			if !validBIC(bic) {
				p.errAt(org.child("AnyBIC"), "", "%q is not a BIC", bic)
				return
			}
			pt.BIC = bic
			pt.Identifiers = append(pt.Identifiers, bicIDs(bic)...)
			if pt.Name == "" {
				pt.Name = bic
			}
		}
		if lei := org.val("LEI"); lei != "" {
			pt.Identifiers = append(pt.Identifiers, Identifier{Type: "LEI", Number: lei})
		}
		for _, o := range org.all("Othr") {
			if id := o.val("Id"); id != "" {
				pt.Identifiers = append(pt.Identifiers, Identifier{Type: o.val("SchmeNm/Cd"), Number: id})
			}
		}
	}
	if pt.Name == "" {
		p.errAt(n, "Nm", "party %s has no name (Nm) and no BIC: nothing to screen", n.name)
		return
	}
	if len(pt.Name) > 500 {
		p.errAt(n, "Nm", "name longer than 500 bytes")
		return
	}
	d.Parties = append(d.Parties, pt)
}

func (p *isoParser) address(pt *Party, a *xnode) {
	if a == nil {
		return
	}
	for _, n := range []string{"Dept", "SubDept", "StrtNm", "BldgNb", "BldgNm", "PstCd", "TwnLctnNm", "DstrctNm", "CtrySubDvsn"} {
		if v := a.val(n); v != "" {
			pt.Address = append(pt.Address, v)
		}
	}
	for _, l := range a.all("AdrLine") {
		pt.Address = append(pt.Address, l.text)
	}
	pt.Town = a.val("TwnNm")
	if c := a.child("Ctry"); c != nil {
		p.country(pt, c, "structured")
	} else if c := addressCountry(pt.Address); c != "" {
		pt.Country, pt.CountryFrom = c, "address"
	}
}

func (p *isoParser) country(pt *Party, n *xnode, from string) {
	if len(n.text) != 2 || !isAlpha(n.text, 2) || bicCountry("XXXX"+n.text) == "" {
		p.errAt(n, "", "country %q: want a two-letter ISO 3166 code", n.text)
		return
	}
	pt.Country, pt.CountryFrom = n.text, from
}

func (p *isoParser) amount(d *Document, n *xnode) {
	ccy := ""
	for _, a := range n.attrs() {
		if a.Name.Local == "Ccy" {
			ccy = a.Value
		}
	}
	if !isAlpha(ccy, 3) {
		p.errAt(n, "@Ccy", "currency %q: want a three-letter ISO 4217 code", ccy)
		return
	}
	if _, err := strconv.ParseFloat(n.text, 64); err != nil || strings.HasPrefix(n.text, "-") {
		p.errAt(n, "", "amount %q: want a decimal number", n.text)
		return
	}
	d.Amount = &Amount{Currency: ccy, Value: n.text, Loc: n.textLoc()}
}

func (p *isoParser) remittance(d *Document, n *xnode) {
	r := n.child("RmtInf")
	if r == nil {
		return
	}
	for _, u := range r.all("Ustrd") {
		p.text(d, u, "remittance information (unstructured)")
	}
	var walk func(x *xnode)
	walk = func(x *xnode) {
		if len(x.kids) == 0 && x.text != "" {
			p.text(d, x, "remittance information (structured) "+x.name)
		}
		for _, k := range x.kids {
			walk(k)
		}
	}
	for _, s := range r.all("Strd") {
		walk(s)
	}
}

func (p *isoParser) text(d *Document, n *xnode, name string) {
	d.FreeText = append(d.FreeText, FreeText{Name: name, Text: n.text, Loc: n.textLoc()})
	d.Vessels = append(d.Vessels, vesselsIn(n.text, n.textLoc())...)
	if hs := hsCodesIn(n.text); len(hs) > 0 {
		d.Goods = append(d.Goods, Goods{Description: n.text, HSCode: hs[0], Loc: n.textLoc()})
	}
}

// attrs of an element are kept only for amounts (Ccy).
func (n *xnode) attrs() []xml.Attr { return n.attr }

// readXMLTree reads the whole document into a tree of elements through the
// guarded reader of the list parsers (depth, size, no DOCTYPE, UTF-8 only).
// The namespace of a Document element is kept in its text.
func readXMLTree(data []byte, file string, li lineIndex) (*xnode, *Error) {
	x := parse.NewXMLReader(data, file)
	var root, cur *xnode
	count := 0
	conv := func(err error) *Error {
		var pe *parse.Error
		if errors.As(err, &pe) {
			return &Error{File: file, Line: pe.Line, Column: pe.Column, Field: pe.Path, Msg: pe.Err.Error()}
		}
		return &Error{File: file, Msg: err.Error()}
	}
	for {
		before := int(x.Offset())
		tok, err := x.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, conv(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLElements {
				return nil, &Error{File: file, Msg: fmt.Sprintf("more than %d elements", maxXMLElements)}
			}
			// The token may start after whitespace already consumed.
			start := before
			for start < len(data) && data[start] != '<' {
				start++
			}
			l, c := li.pos(start)
			n := &xnode{name: t.Name.Local, parent: cur, line: l, col: c, start: start, attr: t.Attr}
			if t.Name.Local == "Document" {
				n.text = t.Name.Space
			}
			if cur == nil {
				if root != nil {
					return nil, &Error{File: file, Line: l, Column: c, Msg: "more than one root element"}
				}
				root = n
			} else {
				cur.kids = append(cur.kids, n)
			}
			cur = n
		case xml.EndElement:
			if cur != nil {
				cur.end = int(x.Offset())
				if cur.name != "Document" {
					cur.text = strings.TrimSpace(cur.text)
				}
				cur = cur.parent
			}
		case xml.CharData:
			if cur != nil && cur.name != "Document" && len(strings.TrimSpace(string(t))) > 0 {
				if cur.text == "" {
					cur.textFrom = before
				}
				cur.text += string(t)
				cur.textTo = int(x.Offset())
			}
		}
	}
	if root == nil {
		return nil, &Error{File: file, Line: 1, Msg: "no XML element"}
	}
	return root, nil
}

// findDocument finds the Document element: the root, or a child or
// grandchild of an envelope that also holds the AppHdr.
func findDocument(n *xnode) *xnode {
	if n.name == "Document" {
		return n
	}
	for _, k := range n.kids {
		if k.name == "Document" {
			return k
		}
		for _, g := range k.kids {
			if g.name == "Document" {
				return g
			}
		}
	}
	return nil
}
