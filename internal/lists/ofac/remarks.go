package ofac

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// kind says what a remark key's value becomes on the entity.
type kind int

const (
	kDOB kind = iota
	kPOB
	kNationality
	kCitizen
	kGender
	kTitle
	kPosition  // the value is a position
	kPositionW // the whole fragment is a position ("Member of the ...")
	kID
	kCrypto
	kAKA
	kFKA
	kNKA
	kWebsite
	kEmail
	kPhone
	kRelation
	kSecondary  // sets SecondarySanctions and keeps the value as a property
	kAdditional // "Additional Sanctions Information -": secondary unless "Not Subject"
	kProp       // the value becomes a property
	kPropWhole  // the whole fragment becomes a property (the key has variable parts)
	kBuildYear
	kCountryProp // a country-valued property that also goes to Countries
	kVessel
)

// rule maps one published remark key to what it becomes.
type rule struct {
	key  string
	kind kind
	// arg is the identifier type, the property name or the relation kind.
	arg string
	// strip is a prefix dropped from the value ("IMO" after "Vessel
	// Registration Identification").
	strip string
}

var rules = []rule{
	{key: "DOB", kind: kDOB},
	{key: "POB", kind: kPOB},
	{key: "nationality", kind: kNationality},
	{key: "citizen", kind: kCitizen},
	{key: "Gender", kind: kGender},
	{key: "Title", kind: kTitle},
	{key: "Position", kind: kPosition},
	{key: "Member of the", kind: kPositionW},
	{key: "Member of", kind: kPositionW},
	{key: "Member", kind: kProp, arg: "member_of"},
	{key: "Scientific Studies and Research Center", kind: kPositionW},
	// Free-text roles OFAC writes for people ("Minister of Oil",
	// "Deputy Chairman, Executive Board, Tempbank").
	{key: "Minister", kind: kPositionW},
	{key: "Prime Minister", kind: kPositionW},
	{key: "Deputy", kind: kPositionW},
	{key: "First Deputy", kind: kPositionW},
	{key: "Director", kind: kPositionW},
	{key: "Managing Director", kind: kPositionW},
	{key: "Chairman", kind: kPositionW},
	{key: "Vice Chairman", kind: kPositionW},
	{key: "Vice-Chairperson", kind: kPositionW},
	{key: "President", kind: kPositionW},
	{key: "Vice President", kind: kPositionW},
	{key: "Governor", kind: kPositionW},
	{key: "Head of", kind: kPositionW},
	{key: "Commander", kind: kPositionW},
	{key: "Chief", kind: kPositionW},
	{key: "Secretary", kind: kPositionW},
	{key: "Ambassador", kind: kPositionW},
	{key: "Magistrate", kind: kPositionW},
	{key: "General Manager", kind: kPositionW},
	{key: "Aide to", kind: kPositionW},
	{key: "presidential advisor", kind: kPositionW},

	// Family ties, kept as relations to the named person.
	{key: "wife of", kind: kRelation, arg: "wife_of"},
	{key: "husband of", kind: kRelation, arg: "husband_of"},
	{key: "son of", kind: kRelation, arg: "son_of"},
	{key: "daughter of", kind: kRelation, arg: "daughter_of"},
	{key: "brother of", kind: kRelation, arg: "brother_of"},
	{key: "half-brother of", kind: kRelation, arg: "half_brother_of"},
	{key: "sister of", kind: kRelation, arg: "sister_of"},
	{key: "father of", kind: kRelation, arg: "father_of"},
	{key: "mother of", kind: kRelation, arg: "mother_of"},
	{key: "nephew of", kind: kRelation, arg: "nephew_of"},
	{key: "cousin of", kind: kRelation, arg: "cousin_of"},

	{key: "a.k.a.", kind: kAKA},
	{key: "f.k.a.", kind: kFKA},
	{key: "n.k.a.", kind: kNKA},
	{key: "Formerly known as", kind: kFKA},

	{key: "Website", kind: kWebsite},
	{key: "Email Address", kind: kEmail},
	{key: "Email", kind: kEmail},
	{key: "Telephone No.", kind: kPhone},
	{key: "Telephone", kind: kPhone},
	{key: "Phone Number", kind: kPhone},
	{key: "Phone No.", kind: kPhone},
	{key: "Phone", kind: kPhone},
	{key: "Fax No.", kind: kProp, arg: "fax"},
	{key: "Fax", kind: kProp, arg: "fax"},

	{key: "Linked To", kind: kRelation, arg: "linked_to"},
	{key: "Owned or Controlled By", kind: kRelation, arg: "owned_or_controlled_by"},
	{key: "Subsidiary Of", kind: kRelation, arg: "subsidiary_of"},

	{key: "Additional Sanctions Information -", kind: kAdditional, arg: "additional_sanctions_information"},
	{key: "Secondary sanctions risk", kind: kSecondary, arg: "secondary_sanctions_risk"},
	{key: "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions", kind: kProp, arg: "transactions_prohibited"},
	{key: "Executive Order", kind: kPropWhole, arg: "executive_order"},
	{key: "CAATSA", kind: kPropWhole, arg: "caatsa"},
	{key: "PEESA Information", kind: kProp, arg: "peesa"},
	{key: "PAIPA Section 2 Information", kind: kProp, arg: "paipa"},
	{key: "IFCA Determination -", kind: kProp, arg: "ifca_determination"},
	{key: "Listing Date", kind: kPropWhole, arg: "listing_date"},
	{key: "Effective Date", kind: kPropWhole, arg: "effective_date"},
	{key: "For more information on directives, please visit the following link", kind: kProp, arg: "more_information"},
	{key: "For more information, please see", kind: kProp, arg: "more_information"},
	{key: "For more information, please reference the following link", kind: kProp, arg: "more_information"},
	{key: "Purchase/Sales For Divestment Date (CMIC)", kind: kProp, arg: "cmic_divestment_date"},
	{key: "Organization Established Date", kind: kProp, arg: "organization_established_date"},
	{key: "Organization Type", kind: kProp, arg: "organization_type"},
	{key: "Target Type", kind: kProp, arg: "target_type"},
	{key: "all offices worldwide", kind: kPropWhole, arg: "scope"},
	{key: "All Branches Worldwide", kind: kPropWhole, arg: "scope"},
	{key: "and all other locations worldwide", kind: kPropWhole, arg: "scope"},
	{key: "ICTY indictee", kind: kPropWhole, arg: "icty"},
	{key: "ethnicity", kind: kProp, arg: "ethnicity"},
	{key: "Tribe", kind: kProp, arg: "tribe"},
	{key: "arrested", kind: kPropWhole, arg: "arrested"},

	{key: "Aircraft Manufacture Date", kind: kProp, arg: "aircraft_manufacture_date"},
	{key: "Aircraft Model", kind: kProp, arg: "aircraft_model"},
	{key: "Aircraft Operator", kind: kProp, arg: "aircraft_operator"},
	{key: "Vessel Year of Build", kind: kBuildYear},
	{key: "Former Vessel Flag", kind: kCountryProp, arg: "former_vessel_flag"},
	{key: "Other Vessel Flag", kind: kCountryProp, arg: "other_vessel_flag"},
	{key: "Nationality of Registration", kind: kCountryProp, arg: "nationality_of_registration"},
	{key: "Registration Country", kind: kCountryProp, arg: "registration_country"},
	{key: "Other Vessel Call Sign", kind: kProp, arg: "other_vessel_call_sign"},
	{key: "Other Vessel Type", kind: kProp, arg: "other_vessel_type"},
	{key: "UN/LOCODE", kind: kProp, arg: "un_locode"},

	{key: "Digital Currency Address -", kind: kCrypto},

	{key: "Vessel Registration Identification", kind: kID, arg: entity.IDIMO, strip: "IMO"},
	{key: "Identification Number IMO", kind: kID, arg: entity.IDIMO},
	{key: "Company Number IMO", kind: kID, arg: entity.IDIMO},
	{key: "IMO", kind: kID, arg: entity.IDIMO},
	{key: "MMSI", kind: kID, arg: entity.IDMMSI},
	{key: "SWIFT/BIC", kind: kID, arg: entity.IDSWIFT},
	{key: "Legal Entity Number", kind: kID, arg: entity.IDLEI},

	{key: "Passport", kind: kID, arg: entity.IDPassport},
	{key: "Diplomatic Passport", kind: kID, arg: entity.IDPassport},
	{key: "Passport Booklet", kind: kID, arg: entity.IDPassport},
	{key: "Travel Document Number", kind: kID, arg: entity.IDPassport},

	{key: "National ID No.", kind: kID, arg: entity.IDNationalID},
	{key: "National Foreign ID Number", kind: kID, arg: entity.IDNationalID},
	{key: "Personal ID Card", kind: kID, arg: entity.IDNationalID},
	{key: "Kenyan ID No.", kind: kID, arg: entity.IDNationalID},
	{key: "Cedula No.", kind: kID, arg: entity.IDNationalID},
	{key: "C.U.R.P. #", kind: kID, arg: entity.IDNationalID},
	{key: "C.U.R.P.", kind: kID, arg: entity.IDNationalID},
	{key: "D.N.I.", kind: kID, arg: entity.IDNationalID},
	{key: "SSN", kind: kID, arg: entity.IDNationalID},
	{key: "Birth Certificate Number", kind: kID, arg: entity.IDNationalID},
	{key: "Public Security and Immigration No.", kind: kID, arg: entity.IDNationalID},
	{key: "Turkish Identification Number", kind: kID, arg: entity.IDNationalID},
	{key: "Tazkira National ID Card", kind: kID, arg: entity.IDNationalID},
	{key: "Citizen's Card Number", kind: kID, arg: entity.IDNationalID},
	{key: "Numero de Identidad", kind: kID, arg: entity.IDNationalID},
	{key: "Credencial electoral", kind: kID, arg: entity.IDNationalID},
	{key: "Electoral Registry No.", kind: kID, arg: entity.IDNationalID},
	{key: "I.F.E.", kind: kID, arg: entity.IDNationalID},
	{key: "Bosnian Personal ID No.", kind: kID, arg: entity.IDNationalID},
	{key: "Moroccan Personal ID No.", kind: kID, arg: entity.IDNationalID},
	{key: "CNP (Personal Numerical Code)", kind: kID, arg: entity.IDNationalID},
	{key: "N.I.E.", kind: kID, arg: entity.IDNationalID},
	{key: "C.I.N.", kind: kID, arg: entity.IDNationalID},
	{key: "C.U.I.P.", kind: kID, arg: entity.IDNationalID},
	{key: "Federal ID Card", kind: kID, arg: entity.IDNationalID},
	{key: "UAE Identification", kind: kID, arg: entity.IDNationalID},
	{key: "Tarjeta de Identidad", kind: kID, arg: entity.IDNationalID},
	{key: "Stateless Person ID Card", kind: kID, arg: entity.IDNationalID},
	{key: "Refugee ID Card", kind: kID, arg: entity.IDNationalID},
	{key: "British National Overseas Passport", kind: kID, arg: entity.IDPassport},
	{key: "Stateless Person Passport", kind: kID, arg: entity.IDPassport},
	{key: "Seafarer's Identification Document", kind: kID, arg: entity.IDPassport},
	{key: "Identification Number", kind: kID, arg: entity.IDOther},
	{key: "Global Intermediary Identification Number", kind: kID, arg: entity.IDRegistration},
	{key: "Military Registration Number", kind: kID, arg: entity.IDOther},
	{key: "Pilot License Number", kind: kID, arg: entity.IDOther},
	{key: "Serial No.", kind: kID, arg: entity.IDOther},
	{key: "Romanian Permanent Resident", kind: kID, arg: entity.IDOther},
	{key: "Driver's License No.", kind: kID, arg: entity.IDOther},
	{key: "Residency Number", kind: kID, arg: entity.IDOther},
	{key: "Immigration No.", kind: kID, arg: entity.IDOther},
	{key: "VisaNumberID", kind: kID, arg: entity.IDOther},
	{key: "Cartilla de Servicio Militar Nacional", kind: kID, arg: entity.IDOther},

	{key: "Tax ID No.", kind: kID, arg: entity.IDTaxID},
	{key: "R.F.C.", kind: kID, arg: entity.IDTaxID},
	{key: "NIT #", kind: kID, arg: entity.IDTaxID},
	{key: "RUC #", kind: kID, arg: entity.IDTaxID},
	{key: "RIF #", kind: kID, arg: entity.IDTaxID},
	{key: "C.U.I.T.", kind: kID, arg: entity.IDTaxID},
	{key: "C.U.I.", kind: kID, arg: entity.IDTaxID},
	{key: "C.I.F.", kind: kID, arg: entity.IDTaxID},
	{key: "V.A.T. Number", kind: kID, arg: entity.IDTaxID},
	{key: "US FEIN", kind: kID, arg: entity.IDTaxID},
	{key: "Italian Fiscal Code", kind: kID, arg: entity.IDTaxID},
	{key: "RTN", kind: kID, arg: entity.IDTaxID},
	{key: "Numero Unico de Identificacao Tributaria (NUIT)", kind: kID, arg: entity.IDTaxID},
	{key: "Paraguayan tax identification number", kind: kID, arg: entity.IDTaxID},
	{key: "RFC", kind: kID, arg: entity.IDTaxID},
	{key: "N.I.F.", kind: kID, arg: entity.IDTaxID},
	{key: "Fiscal Code", kind: kID, arg: entity.IDTaxID},
	{key: "Romanian Tax Registration", kind: kID, arg: entity.IDTaxID},

	{key: "Registration Number", kind: kID, arg: entity.IDRegistration},
	{key: "Registration ID", kind: kID, arg: entity.IDRegistration},
	{key: "Business Registration Number", kind: kID, arg: entity.IDRegistration},
	{key: "Business Registration Document #", kind: kID, arg: entity.IDRegistration},
	{key: "Unified Social Credit Code (USCC)", kind: kID, arg: entity.IDRegistration},
	{key: "United Social Credit Code Certificate (USCCC)", kind: kID, arg: entity.IDRegistration},
	{key: "Government Gazette Number", kind: kID, arg: entity.IDRegistration},
	{key: "Company Number", kind: kID, arg: entity.IDRegistration},
	{key: "UK Company Number", kind: kID, arg: entity.IDRegistration},
	{key: "Enterprise Number", kind: kID, arg: entity.IDRegistration},
	{key: "Commercial Registry Number", kind: kID, arg: entity.IDRegistration},
	{key: "C.R. No.", kind: kID, arg: entity.IDRegistration},
	{key: "Romanian C.R.", kind: kID, arg: entity.IDRegistration},
	{key: "Folio Mercantil No.", kind: kID, arg: entity.IDRegistration},
	{key: "Matricula Mercantil No", kind: kID, arg: entity.IDRegistration},
	{key: "Chamber of Commerce Number", kind: kID, arg: entity.IDRegistration},
	{key: "Istanbul Chamber of Comm. No.", kind: kID, arg: entity.IDRegistration},
	{key: "Dubai Chamber of Commerce Membership No.", kind: kID, arg: entity.IDRegistration},
	{key: "Trade License No.", kind: kID, arg: entity.IDRegistration},
	{key: "Economic Register Number (CBLS)", kind: kID, arg: entity.IDRegistration},
	{key: "Central Registration System Number", kind: kID, arg: entity.IDRegistration},
	{key: "Public Registration Number", kind: kID, arg: entity.IDRegistration},
	{key: "Business Number", kind: kID, arg: entity.IDRegistration},
	{key: "Certificate of Incorporation Number", kind: kID, arg: entity.IDRegistration},
	{key: "Registered Charity No.", kind: kID, arg: entity.IDRegistration},
	{key: "Branch Unit Number", kind: kID, arg: entity.IDRegistration},
	{key: "License", kind: kID, arg: entity.IDRegistration},
	{key: "Permit Number", kind: kID, arg: entity.IDRegistration},
	{key: "SRE Permit No.", kind: kID, arg: entity.IDRegistration},
	{key: "Organization Code", kind: kID, arg: entity.IDRegistration},
	{key: "LE Number", kind: kID, arg: entity.IDRegistration},
	{key: "File Number", kind: kID, arg: entity.IDRegistration},
	{key: "D-U-N-S Number", kind: kID, arg: entity.IDRegistration},
	{key: "Afghan Money Service Provider License Number", kind: kID, arg: entity.IDRegistration},
	{key: "Registration Certificate Number (Dubai)", kind: kID, arg: entity.IDRegistration},
	{key: "Tourism License No.", kind: kID, arg: entity.IDRegistration},
	{key: "MSB Registration Number", kind: kID, arg: entity.IDRegistration},
	{key: "Russian State Individual Business Registration Number Pattern (OGRNIP)", kind: kID, arg: entity.IDRegistration},
	{key: "Entity Code", kind: kID, arg: entity.IDRegistration},
	{key: "Trademark number", kind: kID, arg: entity.IDOther},
	{key: "Chinese Commercial Code", kind: kID, arg: entity.IDOther},
	{key: "BIK (RU)", kind: kID, arg: entity.IDOther},
	{key: "MICEX Code", kind: kID, arg: entity.IDOther},
	{key: "ISIN", kind: kID, arg: entity.IDOther},
	{key: "Equity Ticker", kind: kID, arg: entity.IDOther},

	{key: "Aircraft Manufacturer's Serial Number (MSN)", kind: kID, arg: entity.IDAircraft},
	{key: "Aircraft Construction Number (also called L/N or S/N or F/N)", kind: kID, arg: entity.IDAircraft},
	{key: "Aircraft Tail Number", kind: kID, arg: entity.IDAircraft},
	{key: "Previous Aircraft Tail Number", kind: kID, arg: entity.IDAircraft},
	{key: "Aircraft Mode S Transponder Code", kind: kID, arg: entity.IDAircraft},
	{key: "Aircraft Serial Identification", kind: kID, arg: entity.IDAircraft},
}

// buckets holds the rules by the lower-cased first byte of their key,
// longest key first, so the longest matching key wins ("Identification
// Number IMO" over "Identification Number").
var buckets = func() map[byte][]rule {
	m := make(map[byte][]rule)
	for _, r := range rules {
		b := lower(r.key[0])
		m[b] = append(m[b], r)
	}
	for _, rs := range m {
		sort.SliceStable(rs, func(i, j int) bool { return len(rs[i].key) > len(rs[j].key) })
	}
	return m
}()

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func isAlnum(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// lookup returns the rule whose key starts frag and the value after it.
func lookup(frag string) (rule, string, bool) {
	if frag == "" {
		return rule{}, "", false
	}
	for _, r := range buckets[lower(frag[0])] {
		k := r.key
		if len(frag) < len(k) || !strings.EqualFold(frag[:len(k)], k) {
			continue
		}
		// The key must end at a word boundary: "POB" must not match
		// "POBox", nor "License" match "Licensed".
		if len(frag) > len(k) && isAlnum(k[len(k)-1]) && isAlnum(frag[len(k)]) {
			continue
		}
		v := strings.TrimLeft(frag[len(k):], " :")
		if r.strip != "" && len(v) > len(r.strip) && strings.EqualFold(v[:len(r.strip)], r.strip) && v[len(r.strip)] == ' ' {
			v = strings.TrimSpace(v[len(r.strip):])
		}
		return r, strings.TrimSpace(v), true
	}
	return rule{}, "", false
}

// splitRemarks splits remarks into fragments on "; ", dropping the
// sentence's closing period unless it ends an abbreviation ("CO., LTD.").
func splitRemarks(text string) []string {
	text = strings.TrimSpace(text)
	if strings.HasSuffix(text, ".") && !endsWithAbbrev(text) {
		text = strings.TrimSpace(text[:len(text)-1])
	}
	if text == "" {
		return nil
	}
	parts := strings.Split(text, "; ")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), ";")); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var abbrevs = map[string]bool{"ltd": true, "inc": true, "co": true, "corp": true, "bhd": true, "pvt": true, "lda": true, "cia": true, "llc": true, "jsc": true, "ojsc": true, "pjsc": true, "plc": true, "st": true, "jr": true, "sr": true}

func endsWithAbbrev(text string) bool {
	w := text[:len(text)-1]
	if i := strings.LastIndexAny(w, " ,("); i >= 0 {
		w = w[i+1:]
	}
	return strings.Contains(w, ".") || abbrevs[strings.ToLower(w)]
}

// mineRemarks maps the facts in text onto e. Fragments no rule knows go
// to Properties["remark"].
func mineRemarks(e *entity.Entity, text string) {
	for _, frag := range splitRemarks(text) {
		mineFragment(e, frag)
	}
}

// mineFragment maps one remark fragment onto e.
func mineFragment(e *entity.Entity, frag string) {
	f := frag
	// "alt. DOB", "alt. Passport": a second value of the same key.
	if len(f) > 5 && strings.EqualFold(f[:5], "alt. ") {
		f = strings.TrimSpace(f[5:])
	}
	if honorifics[strings.ToLower(f)] {
		e.Titles = appendUniq(e.Titles, f)
		return
	}
	r, v, ok := lookup(f)
	if !ok {
		if strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "https://") || strings.HasPrefix(f, "www.") {
			e.Websites = appendUniq(e.Websites, strings.TrimSpace(strings.TrimSuffix(f, "(website)")))
			return
		}
		if id, ok := genericID(f); ok {
			e.Identifiers = append(e.Identifiers, id)
			return
		}
		e.AddProperty("remark", frag)
		return
	}
	if v == "" && r.kind != kPropWhole && r.kind != kPositionW && r.kind != kAdditional {
		e.AddProperty("remark", frag)
		return
	}
	switch r.kind {
	case kDOB:
		if d, ok := parseRemarkDate(v); ok {
			e.BirthDates = append(e.BirthDates, d)
		} else {
			e.AddProperty("dob", v)
		}
	case kPOB:
		e.BirthPlaces = appendUniq(e.BirthPlaces, v)
	case kNationality:
		if c := countryCode(v); c != "" {
			e.Nationalities = appendUniq(e.Nationalities, c)
		} else {
			e.AddProperty("nationality", v)
		}
	case kCitizen:
		if c := countryCode(v); c != "" {
			e.Citizenships = appendUniq(e.Citizenships, c)
		} else {
			e.AddProperty("citizen", v)
		}
	case kGender:
		e.Gender = v
	case kTitle:
		e.Titles = appendUniq(e.Titles, v)
	case kPosition:
		e.Positions = appendUniq(e.Positions, v)
	case kPositionW:
		e.Positions = appendUniq(e.Positions, f)
	case kID:
		e.Identifiers = append(e.Identifiers, makeID(r.arg, labelOf(f, v), v))
	case kCrypto:
		coin, addr, _ := strings.Cut(v, " ")
		addr = strings.TrimSpace(addr)
		if addr == "" {
			e.AddProperty("remark", frag)
			return
		}
		e.Identifiers = append(e.Identifiers, entity.Identifier{Type: entity.IDCrypto, Label: "Digital Currency Address - " + coin, Number: addr})
	case kAKA, kNKA:
		addRemarkName(e, v, entity.NameAlias)
	case kFKA:
		addRemarkName(e, v, entity.NameFormer)
	case kWebsite:
		e.Websites = appendUniq(e.Websites, v)
	case kEmail:
		e.Emails = appendUniq(e.Emails, v)
	case kPhone:
		e.Phones = appendUniq(e.Phones, v)
	case kRelation:
		e.Relations = append(e.Relations, entity.Relation{Kind: r.arg, Name: v})
	case kAdditional:
		if strings.Contains(f, "Subject to Secondary Sanctions") && !strings.Contains(f, "Not Subject to Secondary Sanctions") {
			e.SecondarySanctions = true
		}
		e.AddProperty(r.arg, strings.TrimSpace(strings.TrimPrefix(f, "Additional Sanctions Information -")))
	case kSecondary:
		e.SecondarySanctions = true
		e.AddProperty(r.arg, v)
	case kProp:
		e.AddProperty(r.arg, v)
	case kPropWhole:
		e.AddProperty(r.arg, f)
	case kBuildYear:
		vessel(e).BuildYear = v
	case kCountryProp:
		e.AddProperty(r.arg, v)
		if c := countryCode(v); c != "" {
			e.Countries = appendUniq(e.Countries, c)
		}
	}
}

// honorifics are ranks and forms of address OFAC writes as a whole remark
// fragment ("Brigadier General", "Haji"); they become Titles.
var honorifics = map[string]bool{
	"general": true, "brigadier general": true, "major general": true, "lieutenant general": true,
	"second brigadier general": true, "irgc brigadier general": true, "colonel": true,
	"lieutenant colonel": true, "lt. col": true, "major": true, "captain": true, "admiral": true,
	"rear admiral": true, "vice admiral": true, "doctor": true, "dr.": true, "haji": true, "hajji": true,
	"maulana": true, "maulawi": true, "mawlawi": true, "mullah": true, "mullah sahib": true,
	"hojjatoleslam": true, "ayatollah": true, "shaykh": true, "sheikh": true, "ustad": true, "qari": true,
}

// labelOf returns the published label of an identifier fragment: what
// precedes its value.
func labelOf(f, v string) string {
	if strings.HasSuffix(f, v) && len(f) > len(v) {
		return strings.TrimRight(f[:len(f)-len(v)], " :")
	}
	return f
}

// addRemarkName adds a quoted remark name ("a.k.a. 'BNC'"). OFAC writes
// its weak a.k.a.s this way; alt.csv holds the strong ones, so a name
// already there stays strong.
func addRemarkName(e *entity.Entity, v string, k entity.NameKind) {
	name := strings.TrimSpace(v)
	q := entity.Strong
	if len(name) >= 2 && (name[0] == '\'' || name[0] == '"') {
		if j := strings.LastIndexByte(name, name[0]); j > 0 {
			name = name[1:j]
			q = entity.Weak
		}
	}
	for _, n := range e.Names {
		if n.Full == name && n.Quality == entity.Strong {
			return
		}
	}
	e.AddName(entity.Name{Full: name, Kind: k, Quality: q})
}

// genericID recognises an identifier the rules do not name, written as a
// label ending in "No.", "Number", "#", "ID" or "Code" and a value holding
// a digit ("Permit No. A123 (Maldives)").
func genericID(f string) (entity.Identifier, bool) {
	i := strings.IndexAny(f, "0123456789")
	if i <= 0 {
		return entity.Identifier{}, false
	}
	sp := strings.LastIndexByte(f[:i], ' ')
	if sp <= 0 {
		return entity.Identifier{}, false
	}
	label := strings.TrimRight(f[:sp], " :")
	lw := strings.ToLower(label)
	for _, end := range []string{" no.", " no", " number", " #", " id", " code", " card", " license", " certificate"} {
		if strings.HasSuffix(lw, end) && len(label) <= 80 {
			return makeID(entity.IDOther, label, strings.TrimSpace(f[sp:])), true
		}
	}
	return entity.Identifier{}, false
}

// makeID splits an identifier value such as
// "D9004878 (Iran) issued 01 Jan 2010 expires 01 Jan 2020".
func makeID(typ, label, v string) entity.Identifier {
	id := entity.Identifier{Type: typ, Label: label}
	if i := strings.Index(v, " expires "); i >= 0 {
		id.Expires = isoDate(v[i+len(" expires "):])
		v = v[:i]
	} else if strings.HasPrefix(v, "expires ") {
		id.Expires = isoDate(v[len("expires "):])
		v = ""
	}
	if i := strings.Index(v, " issued "); i >= 0 {
		id.Issued = isoDate(v[i+len(" issued "):])
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if strings.HasSuffix(v, ")") {
		if i := strings.LastIndexByte(v, '('); i > 0 {
			if c := countryCode(v[i+1 : len(v)-1]); c != "" {
				id.Country = c
				v = strings.TrimSpace(v[:i])
			}
		}
	}
	id.Number = v
	if id.Number == "" {
		id.Number = label
	}
	return id
}

// isoDate formats a remark date as YYYY, YYYY-MM or YYYY-MM-DD, or returns
// the text as published when it is not a date.
func isoDate(s string) string {
	s = strings.TrimSpace(s)
	if d, ok := parseRemarkDate(s); ok && d.YearTo == 0 && !d.Circa {
		return d.String()
	}
	return s
}

var months = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// parseRemarkDate reads the date forms OFAC writes: "22 Dec 1961",
// "Dec 1961", "1961", "circa 1961", "1958 to 1962" and
// "22 Dec 1961 to 23 Dec 1961". Text keeps the published form.
func parseRemarkDate(s string) (entity.Date, bool) {
	text := strings.TrimSpace(s)
	s = text
	circa := false
	if len(s) > 6 && strings.EqualFold(s[:6], "circa ") {
		circa = true
		s = strings.TrimSpace(s[6:])
	}
	from, to, ranged := strings.Cut(s, " to ")
	if !ranged && circa && len(s) == 9 && s[4] == '-' {
		// "circa 1958-1962"
		from, to, ranged = s[:4], s[5:], true
	}
	d, ok := parseOneDate(from)
	if !ok {
		return entity.Date{}, false
	}
	if ranged {
		t, ok := parseOneDate(to)
		if !ok || t.Year < d.Year {
			return entity.Date{}, false
		}
		if t.Year != d.Year {
			d.YearTo = t.Year
		}
	}
	d.Circa = circa
	d.Text = text
	return d, true
}

func parseOneDate(s string) (entity.Date, bool) {
	f := strings.Fields(s)
	var d entity.Date
	var err error
	switch len(f) {
	case 1:
		d.Year, err = year(f[0])
	case 2:
		d.Month = months[strings.ToLower(f[0])]
		d.Year, err = year(f[1])
	case 3:
		d.Day, err = strconv.Atoi(f[0])
		if err == nil {
			d.Month = months[strings.ToLower(f[1])]
			d.Year, err = year(f[2])
		}
	default:
		return entity.Date{}, false
	}
	if err != nil || (len(f) > 1 && d.Month == 0) || (len(f) == 3 && d.Day == 0) || d.Validate() != nil {
		return entity.Date{}, false
	}
	return d, true
}

func year(s string) (int, error) {
	if len(s) != 4 {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

func appendUniq(list []string, v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func vessel(e *entity.Entity) *entity.VesselInfo {
	if e.Vessel == nil {
		e.Vessel = &entity.VesselInfo{}
	}
	return e.Vessel
}

// codes caches country.Code, which normalises its argument on every call:
// the same few hundred country names recur tens of thousands of times in
// one list. The cache is bounded so hostile input cannot grow it.
var (
	codes     sync.Map
	codeCount atomic.Int32
)

const maxCachedCodes = 4096

func countryCode(name string) string {
	if c, ok := codes.Load(name); ok {
		return c.(string)
	}
	c := country.Code(name)
	if len(name) <= 64 && codeCount.Load() < maxCachedCodes {
		if _, loaded := codes.LoadOrStore(name, c); !loaded {
			codeCount.Add(1)
		}
	}
	return c
}
