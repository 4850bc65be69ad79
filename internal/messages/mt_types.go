package messages

import (
	"fmt"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/country"
)

// fieldSpec is the layout of a block 4 field: at most lines lines of at
// most width characters.
type fieldSpec struct {
	lines, width int
	name         string
}

// mtSpecs are the layouts of the fields read here, from the SWIFT
// Standards MT field specifications (SR 2021 and later).
var mtSpecs = map[string]fieldSpec{
	"13C": {1, 18, "time indication"}, "20": {1, 16, "sender's reference"}, "21": {1, 16, "related reference"},
	"23": {1, 16, "reference to pre-advice"}, "23B": {1, 4, "bank operation code"}, "23E": {1, 35, "instruction code"},
	"26T": {1, 3, "transaction type code"}, "27": {1, 5, "sequence of total"},
	"31C": {1, 6, "date of issue"}, "31D": {1, 35, "date and place of expiry"},
	"32A": {1, 24, "value date, currency, amount"}, "32B": {1, 18, "currency and amount"}, "33B": {1, 18, "instructed currency and amount"},
	"36": {1, 12, "exchange rate"}, "39A": {1, 5, "percentage credit amount tolerance"}, "39C": {4, 35, "additional amounts covered"},
	"40A": {1, 24, "form of documentary credit"}, "40B": {2, 24, "form of documentary credit"}, "40E": {2, 35, "applicable rules"},
	"41A": {2, 14, "available with ... by ..."}, "41D": {5, 35, "available with ... by ..."},
	"42A": {2, 35, "drawee"}, "42C": {3, 35, "drafts at"}, "42D": {5, 35, "drawee"}, "42M": {4, 35, "mixed payment details"}, "42P": {4, 35, "negotiation/deferred payment details"},
	"43P": {1, 11, "partial shipments"}, "43T": {1, 11, "transhipment"},
	"44A": {1, 140, "place of taking in charge/dispatch/receipt"}, "44B": {1, 140, "place of final destination/delivery"},
	"44C": {1, 6, "latest date of shipment"}, "44D": {6, 65, "shipment period"}, "44E": {1, 65, "port of loading/airport of departure"}, "44F": {1, 65, "port of discharge/airport of destination"},
	"45A": {100, 65, "description of goods and/or services"}, "46A": {100, 65, "documents required"}, "47A": {100, 65, "additional conditions"},
	"48": {1, 39, "period for presentation"}, "49": {1, 7, "confirmation instructions"}, "49G": {100, 65, "special payment conditions for beneficiary"}, "49H": {100, 65, "special payment conditions for bank only"},
	"50": {4, 35, "applicant"}, "50A": {2, 35, "ordering customer"}, "50B": {4, 35, "non-bank issuer"}, "50F": {5, 35, "ordering customer"}, "50K": {5, 35, "ordering customer"},
	"51A": {2, 35, "applicant bank"}, "51D": {5, 35, "applicant bank"},
	"52A": {2, 35, "ordering institution"}, "52D": {5, 35, "ordering institution"},
	"53A": {2, 35, "sender's correspondent"}, "53B": {2, 35, "sender's correspondent"}, "53D": {5, 35, "sender's correspondent"},
	"54A": {2, 35, "receiver's correspondent"}, "54B": {2, 35, "receiver's correspondent"}, "54D": {5, 35, "receiver's correspondent"},
	"55A": {2, 35, "third reimbursement institution"}, "55D": {5, 35, "third reimbursement institution"},
	"56A": {2, 35, "intermediary"}, "56C": {1, 35, "intermediary"}, "56D": {5, 35, "intermediary"},
	"57A": {2, 35, "account with institution"}, "57B": {2, 35, "account with institution"}, "57C": {1, 35, "account with institution"}, "57D": {5, 35, "account with institution"},
	"58A": {2, 35, "beneficiary institution"}, "58D": {5, 35, "beneficiary institution"},
	"59": {5, 35, "beneficiary customer"}, "59A": {2, 35, "beneficiary customer"}, "59F": {5, 35, "beneficiary customer"},
	"70": {4, 35, "remittance information"}, "71A": {1, 3, "details of charges"}, "71D": {6, 35, "charges"}, "71F": {1, 18, "sender's charges"}, "71G": {1, 18, "receiver's charges"},
	"72": {6, 35, "sender to receiver information"}, "72Z": {6, 35, "sender to receiver information"}, "77B": {3, 35, "regulatory reporting"}, "78": {12, 65, "instructions to the paying/accepting/negotiating bank"},
}

// free-text fields kept for the free-text scanner.
var mtFreeText = map[string]bool{"70": true, "72": true, "72Z": true, "77B": true, "45A": true, "46A": true, "47A": true, "49G": true, "49H": true, "78": true, "39C": true, "42M": true, "42P": true, "44D": true}

// document checks the fields of a message of a supported type and reads
// them into a Document.
func (m *mtMessage) document() *Document {
	typ := "MT" + m.mt
	cov := m.user["119"] == "COV"
	switch m.mt {
	case "103", "700", "710":
	case "202":
		if cov {
			typ = "MT202COV"
		}
	default:
		m.errAt(m.start, "block 2", "message type MT%s is not supported (want MT103, MT202, MT202 COV, MT700 or MT710)", m.mt)
		return nil
	}
	for _, f := range m.fields {
		for i, l := range f.lines {
			if j := strings.IndexFunc(l, func(r rune) bool { return r < ' ' || r > '~' }); j >= 0 {
				m.errField(f, "line %d has %q at column %d, outside the SWIFT character set", i+1, l[j:j+1], j+1)
				break
			}
		}
		spec, ok := mtSpecs[f.tag]
		if !ok {
			continue
		}
		if len(f.lines) > spec.lines {
			m.errField(f, "%s has %d lines, at most %d allowed", spec.name, len(f.lines), spec.lines)
		}
		for i, l := range f.lines {
			if len(l) > spec.width && !(i == 0 && strings.HasPrefix(l, "/") && len(l) <= 35) {
				m.errField(f, "line %d of %s has %d characters, at most %d allowed", i+1, spec.name, len(l), spec.width)
			}
		}
		if strings.TrimSpace(f.text()) == "" {
			m.errField(f, "%s is empty", spec.name)
		}
	}
	d := &Document{File: m.file, Format: FormatMT, Type: typ, Line: m.line(m.start)}
	if m.sender != "" {
		d.Parties = append(d.Parties, m.headerBank(m.sender, RoleSender, typ))
	}
	if m.receiver != "" {
		d.Parties = append(d.Parties, m.headerBank(m.receiver, RoleReceiver, typ))
	}
	if m.mt == "202" && cov {
		// Sequence B repeats the tags of sequence A; check each apart.
		for i, f := range m.fields {
			if f.tag == "50A" || f.tag == "50F" || f.tag == "50K" {
				m.repeats(m.fields[:i])
				m.repeats(m.fields[i:])
				break
			}
		}
	} else {
		m.repeats(m.fields)
	}
	switch m.mt {
	case "103":
		d.Kind = KindPayment
		m.require(typ, m.fields, "20", "23B", "32A", "50A|50F|50K", "59|59A|59F", "71A")
		m.payment(d, m.fields, "")
	case "202":
		d.Kind = KindPayment
		seqA, seqB := m.fields, []*mtField(nil)
		if cov {
			for i, f := range m.fields {
				if f.tag == "50A" || f.tag == "50F" || f.tag == "50K" {
					seqA, seqB = m.fields[:i], m.fields[i:]
					break
				}
			}
		}
		m.require(typ, seqA, "20", "21", "32A", "58A|58D")
		if cov {
			m.require(typ+" sequence B", seqB, "50A|50F|50K", "59|59A|59F")
		}
		m.payment(d, seqA, "")
		m.payment(d, seqB, "B")
	case "700", "710":
		d.Kind = KindLetterOfCredit
		if m.mt == "700" {
			m.require(typ, m.fields, "27", "40A", "20", "31C", "40E", "31D", "50", "59", "32B", "41A|41D", "49")
		} else {
			m.require(typ, m.fields, "27", "40B", "20", "21", "31C", "40E", "31D", "52A|52D|50B", "50", "59", "32B", "41A|41D", "49")
		}
		m.credit(d)
	}
	if len(m.errs) > 0 {
		return nil
	}
	return d
}

// mtFamilies groups the options of one field ("50a" is 50A, 50F or 50K).
var mtFamilies = map[string]string{
	"50": "50a", "50A": "50a", "50F": "50a", "50K": "50a", "51A": "51a", "51D": "51a", "52A": "52a", "52D": "52a",
	"53A": "53a", "53B": "53a", "53D": "53a", "54A": "54a", "54B": "54a", "54D": "54a", "55A": "55a", "55D": "55a",
	"56A": "56a", "56C": "56a", "56D": "56a", "57A": "57a", "57B": "57a", "57C": "57a", "57D": "57a",
	"58A": "58a", "58D": "58a", "59": "59a", "59A": "59a", "59F": "59a", "41A": "41a", "41D": "41a", "42A": "42a", "42D": "42a",
}

// mtRepeatable are the fields a message may hold more than once.
var mtRepeatable = map[string]bool{"13C": true, "23E": true, "71F": true}

// repeats records an error for a field given twice: the network rejects
// such a message, and a second beneficiary must not pass unnoticed.
func (m *mtMessage) repeats(fs []*mtField) {
	first := map[string]*mtField{}
	for _, f := range fs {
		fam := f.tag
		if g, ok := mtFamilies[f.tag]; ok {
			fam = g
		}
		if mtRepeatable[f.tag] {
			continue
		}
		if p, ok := first[fam]; ok {
			m.errField(f, "field repeats :%s: of line %d; it may be given only once", p.tag, p.loc.Line)
			continue
		}
		first[fam] = f
	}
}

// require records an error for each mandatory field (alternatives joined
// by "|") missing from fs.
func (m *mtMessage) require(typ string, fs []*mtField, tags ...string) {
	for _, t := range tags {
		alts := strings.Split(t, "|")
		if m.field(fs, alts...) != nil {
			continue
		}
		name := mtSpecs[alts[0]].name
		l, _ := m.li.pos(m.start)
		field := ":" + strings.Join(alts, ":, :") + ":"
		m.errs = append(m.errs, &Error{File: m.file, Line: l, Field: field, Msg: fmt.Sprintf("mandatory field (%s) is missing from the %s", name, typ)})
	}
}

func (m *mtMessage) headerBank(bic, role, typ string) Party {
	field := "block 1"
	if (role == RoleReceiver) == m.input {
		field = "block 2"
	}
	if strings.HasPrefix(typ, "MT7") {
		// The sender of an MT700 is the issuing bank, its receiver the
		// advising bank; an MT710 is sent by the first advising bank.
		switch {
		case role == RoleSender && typ == "MT700":
			role = RoleIssuingBank
		case role == RoleReceiver:
			role = "advising_bank"
		case role == RoleSender:
			role = "first_advising_bank"
		}
	}
	l, _ := m.li.pos(m.start)
	return Party{Role: role, Bank: true, Name: bic, BIC: bic, Country: bicCountry(bic), CountryFrom: "bic", Identifiers: bicIDs(bic), Loc: Location{Field: field, Line: l, Start: m.start}}
}

// payment reads the fields of a customer or bank transfer (or of sequence
// seq of an MT202 COV) into d.
func (m *mtMessage) payment(d *Document, fs []*mtField, seq string) {
	loc := func(f *mtField) Location {
		l := f.loc
		if seq != "" {
			l.Field = "sequence " + seq + " " + l.Field
		}
		return l
	}
	for _, f := range fs {
		switch f.tag {
		case "20":
			if seq == "" {
				d.Reference = m.reference(f)
			}
		case "32A":
			if seq == "" {
				m.valueDate(d, f)
			}
		case "33B":
			if d.Amount == nil {
				d.Amount = m.amount(f, f.lines[0])
			}
		case "23B":
			if !isAlpha(f.lines[0], 4) {
				m.errField(f, "bank operation code %q: want 4 letters (CRED, SPAY...)", f.lines[0])
			}
		case "71A":
			switch f.lines[0] {
			case "OUR", "SHA", "BEN":
			default:
				m.errField(f, "details of charges %q: want OUR, SHA or BEN", f.lines[0])
			}
		case "50A", "50F", "50K":
			m.customer(d, f, RoleOrderingCustomer, loc(f))
		case "59", "59A", "59F":
			m.customer(d, f, RoleBeneficiary, loc(f))
		case "52A", "52D":
			m.bank(d, f, RoleOrderingInst, loc(f))
		case "53A", "53B", "53D":
			m.bank(d, f, RoleSendersCorr, loc(f))
		case "54A", "54B", "54D":
			m.bank(d, f, "receivers_correspondent", loc(f))
		case "55A", "55D":
			m.bank(d, f, "third_reimbursement_institution", loc(f))
		case "56A", "56C", "56D":
			m.bank(d, f, RoleIntermediary, loc(f))
		case "57A", "57B", "57C", "57D":
			m.bank(d, f, RoleAccountWithInst, loc(f))
		case "58A", "58D":
			m.bank(d, f, RoleBeneficiaryInst, loc(f))
		}
		if mtFreeText[f.tag] {
			m.freeText(d, f, loc(f))
		}
	}
	if f := m.field(fs, "77B"); f != nil {
		m.residence(d, f)
	}
}

// residence reads the countries of residence that 77B regulatory reporting
// gives as /ORDERRES/CC// and /BENEFRES/CC//, for an ordering customer or
// beneficiary whose own field names no country.
func (m *mtMessage) residence(d *Document, f *mtField) {
	text := strings.Join(f.lines, "")
	for code, role := range map[string]string{"/ORDERRES/": RoleOrderingCustomer, "/BENEFRES/": RoleBeneficiary} {
		i := strings.Index(text, code)
		if i < 0 || len(text) < i+len(code)+2 {
			continue
		}
		cc := text[i+len(code) : i+len(code)+2]
		if bicCountry("XXXX"+cc) == "" {
			m.errField(f, "%s wants a two-letter country code, got %q", strings.Trim(code, "/"), cc)
			continue
		}
		for j := range d.Parties {
			if p := &d.Parties[j]; p.Role == role && p.Country == "" {
				p.Country, p.CountryFrom = cc, "regulatory reporting (77B)"
			}
		}
	}
}

// credit reads the fields of an MT700 or MT710 into d.
func (m *mtMessage) credit(d *Document) {
	for _, f := range m.fields {
		switch f.tag {
		case "20":
			d.Reference = m.reference(f)
		case "27":
			if p := strings.Split(f.lines[0], "/"); len(p) != 2 || !isNum(p[0]) || !isNum(p[1]) {
				m.errField(f, "sequence of total %q: want n/n such as 1/1", f.lines[0])
			}
		case "31C":
			if date, ok := m.date(f, f.lines[0]); ok {
				d.Date = date
			}
		case "31D", "44C":
			if len(f.lines[0]) < 6 {
				m.errField(f, "want a date YYMMDD, got %q", f.lines[0])
			} else {
				m.date(f, f.lines[0][:6])
			}
		case "32B":
			d.Amount = m.amount(f, f.lines[0])
		case "49":
			switch f.lines[0] {
			case "CONFIRM", "MAY ADD", "WITHOUT":
			default:
				m.errField(f, "confirmation instructions %q: want CONFIRM, MAY ADD or WITHOUT", f.lines[0])
			}
		case "50":
			m.customer(d, f, RoleApplicant, f.loc)
		case "50B":
			m.customer(d, f, "non_bank_issuer", f.loc)
		case "59":
			m.customer(d, f, RoleBeneficiary, f.loc)
		case "51A", "51D":
			m.bank(d, f, RoleApplicantBank, f.loc)
		case "52A", "52D":
			m.bank(d, f, RoleIssuingBank, f.loc)
		case "41A", "41D":
			// The last line is "BY PAYMENT", "BY NEGOTIATION"...; the bank
			// is named before it.
			g := *f
			if n := len(g.lines); n > 1 && strings.HasPrefix(g.lines[n-1], "BY ") {
				g.lines = g.lines[:n-1]
			}
			// "ANY BANK" (in a country, possibly wrapped) names no bank.
			if len(g.lines) > 0 && !strings.HasPrefix(g.lines[0], "ANY BANK") {
				m.bank(d, &g, RoleAvailableWith, f.loc)
			}
		case "42A", "42D":
			m.bank(d, f, "drawee", f.loc)
		case "53A", "53D":
			m.bank(d, f, RoleReimbursingBank, f.loc)
		case "57A", "57B", "57D":
			m.bank(d, f, RoleAdviseThrough, f.loc)
		case "58A", "58D":
			m.bank(d, f, RoleConfirmationParty, f.loc)
		case "44A":
			m.place(d, f, PlaceOfReceipt)
		case "44E":
			m.place(d, f, PlacePortOfLoading)
		case "44F":
			m.place(d, f, PlacePortOfDischarge)
		case "44B":
			m.place(d, f, PlaceFinalDestination)
		case "45A":
			m.goods(d, f)
		}
		if mtFreeText[f.tag] {
			m.freeText(d, f, f.loc)
		}
	}
}

func (m *mtMessage) reference(f *mtField) string {
	r := f.lines[0]
	if strings.HasPrefix(r, "/") || strings.HasSuffix(r, "/") || strings.Contains(r, "//") {
		m.errField(f, "reference %q must not start or end with \"/\" or contain \"//\"", r)
	}
	return r
}

// valueDate reads :32A: YYMMDDCCYAMOUNT.
func (m *mtMessage) valueDate(d *Document, f *mtField) {
	v := f.lines[0]
	if len(v) < 10 {
		m.errField(f, "want YYMMDD, a currency and an amount (such as 261204EUR12500,00), got %q", v)
		return
	}
	if date, ok := m.date(f, v[:6]); ok {
		d.Date = date
	}
	d.Amount = m.amount(f, v[6:])
}

// date reads a SWIFT date YYMMDD (years 80-99 are 19YY).
func (m *mtMessage) date(f *mtField, s string) (string, bool) {
	t, err := time.Parse("060102", s)
	if err != nil || len(s) != 6 {
		m.errField(f, "want a date YYMMDD, got %q", s)
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// amount reads CCYnnn,nn: a currency and an amount with a decimal comma.
func (m *mtMessage) amount(f *mtField, s string) *Amount {
	if len(s) < 5 || !isAlpha(s[:3], 3) {
		m.errField(f, "want a three-letter currency and an amount such as EUR12500,00, got %q", s)
		return nil
	}
	v := s[3:]
	comma := strings.IndexByte(v, ',')
	if comma < 1 || strings.Count(v, ",") != 1 || !isNum(v[:comma]) || (comma+1 < len(v) && !isNum(v[comma+1:])) || len(v) > 15 {
		m.errField(f, "amount %q: want digits with one decimal comma (12500,00 or 12500,), at most 15 characters", v)
		return nil
	}
	val := v[:comma]
	if frac := v[comma+1:]; frac != "" {
		val += "." + frac
	}
	return &Amount{Currency: s[:3], Value: val, Loc: f.loc}
}

func isAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isNum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// customer reads a party field: option A (account + BIC), F (structured
// lines 1/ name, 2/ address, 3/ country and town...), K or no letter
// (account + name and address lines).
func (m *mtMessage) customer(d *Document, f *mtField, role string, loc Location) {
	p := Party{Role: role, Loc: loc}
	lines := f.lines
	if len(lines) > 0 && strings.HasPrefix(lines[0], "/") {
		p.Account = strings.TrimPrefix(lines[0], "/")
		lines = lines[1:]
	}
	switch {
	case strings.HasSuffix(f.tag, "A"):
		if len(lines) != 1 || !validBIC(lines[0]) {
			m.errField(f, "option A wants an optional /account line and a BIC (8 or 11 characters), got %q", strings.Join(lines, " "))
			return
		}
		p.BIC, p.Name, p.Country, p.CountryFrom, p.Identifiers = lines[0], lines[0], bicCountry(lines[0]), "bic", bicIDs(lines[0])
	case strings.HasSuffix(f.tag, "F"):
		if !m.structured(f, &p, lines) {
			return
		}
	default:
		if len(lines) == 0 || strings.TrimSpace(lines[0]) == "" {
			m.errField(f, "no name: want an optional /account line, then the name and address lines")
			return
		}
		p.Name, p.AltNames, p.Address = nameLines(lines)
		if c := addressCountry(p.Address); c != "" {
			p.Country, p.CountryFrom = c, "address"
		}
	}
	if p.Country == "" {
		if c := ibanCountry(p.Account); c != "" {
			p.Country, p.CountryFrom = c, "iban"
		}
	}
	d.Parties = append(d.Parties, p)
}

// structured reads the numbered lines of 50F and 59F. The first line of
// 50F may be a party identifier CODE/CC/ID instead of an account.
func (m *mtMessage) structured(f *mtField, p *Party, lines []string) bool {
	if p.Account == "" && len(lines) > 0 && len(lines[0]) > 2 && lines[0][1] != '/' {
		code, rest, ok := strings.Cut(lines[0], "/")
		cc, id, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || !isAlpha(code, 4) || country.Code(cc) != cc || id == "" {
			m.errField(f, "party identifier %q: want /ACCOUNT or CODE/CC/IDENTIFIER (such as NIDN/DE/121231234)", lines[0])
			return false
		}
		p.Identifiers = append(p.Identifiers, Identifier{Type: code, Number: id})
		lines = lines[1:]
	}
	var name []string
	for i, l := range lines {
		if len(l) < 2 || l[1] != '/' || l[0] < '1' || l[0] > '8' || (f.tag == "59F" && l[0] > '3') {
			m.errField(f, "line %d %q: want a numbered line such as 1/NAME, 2/ADDRESS, 3/CC/TOWN", i+1, l)
			return false
		}
		v := strings.TrimSpace(l[2:])
		switch l[0] {
		case '1':
			name = append(name, v)
		case '2':
			p.Address = append(p.Address, v)
		case '3':
			cc, town, _ := strings.Cut(v, "/")
			if country.Code(cc) != cc || len(cc) != 2 {
				m.errField(f, "line %d %q: 3/ wants a two-letter country code, then /town", i+1, l)
				return false
			}
			p.Country, p.CountryFrom, p.Town = cc, "structured", strings.TrimSpace(town)
		case '4', '5':
			p.Type = "person" // date and place of birth
		case '6', '7':
			p.Identifiers = append(p.Identifiers, Identifier{Type: map[byte]string{'6': "customer_id", '7': "national_id"}[l[0]], Number: v})
		}
	}
	if len(name) == 0 {
		m.errField(f, "no name line 1/")
		return false
	}
	p.Name = strings.Join(name, " ")
	return true
}

// bank reads an institution field: option A ([/party id] + BIC), B
// ([/account] + location), C (//clearing code) or D ([/account] + name and
// address). Options B and C without a name give no party to screen.
func (m *mtMessage) bank(d *Document, f *mtField, role string, loc Location) {
	p := Party{Role: role, Bank: true, Loc: loc}
	lines := f.lines
	if len(lines) > 0 && strings.HasPrefix(lines[0], "/") {
		p.Account = strings.TrimPrefix(lines[0], "/")
		lines = lines[1:]
	}
	switch f.tag[len(f.tag)-1] {
	case 'A':
		if len(lines) != 1 || !validBIC(lines[0]) {
			m.errField(f, "option A wants an optional /party identifier line and a BIC (8 or 11 characters), got %q", strings.Join(lines, " "))
			return
		}
		p.BIC, p.Name, p.Country, p.CountryFrom, p.Identifiers = lines[0], lines[0], bicCountry(lines[0]), "bic", bicIDs(lines[0])
	case 'D':
		if len(lines) == 0 || strings.TrimSpace(lines[0]) == "" {
			m.errField(f, "option D wants the bank's name and address")
			return
		}
		p.Name, p.AltNames, p.Address = nameLines(lines)
		if c := addressCountry(p.Address); c != "" {
			p.Country, p.CountryFrom = c, "address"
		}
	default:
		if len(lines) == 0 || strings.TrimSpace(lines[0]) == "" {
			return
		}
		p.Name = strings.TrimSpace(lines[0])
	}
	d.Parties = append(d.Parties, p)
}

// legalForms are the words a wrapped company name's second line may hold
// alone ("SHENZHEN JIASIBO TECHNOLOGY CO" / "LTD").
var legalForms = map[string]bool{"LTD": true, "LTD.": true, "LIMITED": true, "LLC": true, "LLP": true, "FZE": true, "FZCO": true, "FZ-LLC": true, "DMCC": true,
	"GMBH": true, "AG": true, "SA": true, "S.A.": true, "SRL": true, "S.R.L.": true, "SPA": true, "S.P.A.": true, "CO": true, "CO.": true, "CO.,LTD.": true,
	"CORP": true, "CORP.": true, "INC": true, "INC.": true, "PLC": true, "JSC": true, "PJSC": true, "OJSC": true, "CJSC": true, "OOO": true, "AO": true, "PAO": true,
	"BV": true, "NV": true, "AS": true, "A.S.": true, "KG": true, "SAS": true, "PTE": true, "PVT": true, "SDN": true, "BHD": true, "TRADING": true, "COMPANY": true}

// nameLines splits the name and address lines of a party field. The name
// is the first line, and the second too when the name was wrapped: the
// second holds only legal-form words, or the first fills all 35
// characters. A full line was most likely cut at the width, maybe inside a
// word ("...MANUFACT" / "URING INDUSTRIES"), so the lines are joined as
// written and the reading with a space between them is kept in alt.
func nameLines(lines []string) (name string, alt []string, addr []string) {
	name = strings.TrimSpace(lines[0])
	rest := lines[1:]
	if len(rest) > 0 {
		next := strings.TrimSpace(rest[0])
		words := strings.Fields(strings.ReplaceAll(next, ",", " "))
		legal := len(words) > 0
		for _, w := range words {
			legal = legal && legalForms[strings.ToUpper(w)]
		}
		switch {
		case legal:
			name += " " + next
			rest = rest[1:]
		case len(lines[0]) >= 35 && len(rest) > 1 && next != "":
			alt = []string{name + " " + next}
			name = lines[0] + rest[0]
			rest = rest[1:]
		}
	}
	for _, l := range rest {
		addr = append(addr, strings.TrimSpace(l))
	}
	return name, alt, addr
}

func (m *mtMessage) place(d *Document, f *mtField, role string) {
	t := strings.TrimSpace(f.text())
	d.Places = append(d.Places, Place{Role: role, Text: t, LOCODE: writtenLOCODE(t), Loc: f.loc})
}

// maxGoodsText keeps each goods item within the order model's text limit.
const maxGoodsText = 1900

// goods splits 45A into items: a line starting with "+" starts an item,
// as the SWIFT usage rules write them; long items are cut at line ends.
func (m *mtMessage) goods(d *Document, f *mtField) {
	var items [][]string
	for _, l := range f.lines {
		if strings.HasPrefix(l, "+") || len(items) == 0 {
			items = append(items, nil)
		}
		items[len(items)-1] = append(items[len(items)-1], strings.TrimSpace(strings.TrimPrefix(l, "+")))
	}
	for _, it := range items {
		var cur []string
		n := 0
		flush := func() {
			if len(cur) == 0 {
				return
			}
			text := strings.Join(cur, " ")
			g := Goods{Description: text, Loc: f.loc}
			if hs := hsCodesIn(text); len(hs) > 0 {
				g.HSCode = hs[0]
			}
			d.Goods = append(d.Goods, g)
			cur, n = nil, 0
		}
		for _, l := range it {
			if n+len(l) > maxGoodsText {
				flush()
			}
			if l != "" {
				cur, n = append(cur, l), n+len(l)+1
			}
		}
		flush()
	}
	if inc := incotermIn(f.text()); inc != "" && d.Incoterms == "" {
		d.Incoterms = inc
	}
}

func (m *mtMessage) freeText(d *Document, f *mtField, loc Location) {
	name := mtSpecs[f.tag].name
	text := string(m.data[f.loc.Start:f.loc.End])
	d.FreeText = append(d.FreeText, FreeText{Name: name, Text: text, Loc: loc})
	// Names wrap across the lines of a field.
	d.Vessels = append(d.Vessels, vesselsIn(strings.Join(f.lines, " "), loc)...)
	if d.Kind == KindPayment {
		// A trade payment often names its goods in the remittance text;
		// where it gives an HS code, the goods rules can check it.
		if hs := hsCodesIn(f.text()); len(hs) > 0 {
			d.Goods = append(d.Goods, Goods{Description: strings.Join(f.lines, " "), HSCode: hs[0], Loc: loc})
		}
	}
}
