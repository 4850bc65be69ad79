package ofac

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

func TestParseRemarkDate(t *testing.T) {
	tests := []struct {
		in   string
		want entity.Date
		ok   bool
	}{
		{"22 Dec 1961", entity.Date{Year: 1961, Month: 12, Day: 22}, true},
		{"Dec 1961", entity.Date{Year: 1961, Month: 12}, true},
		{"1961", entity.Date{Year: 1961}, true},
		{"circa 1961", entity.Date{Year: 1961, Circa: true}, true},
		{"circa 01 Jan 1961", entity.Date{Year: 1961, Month: 1, Day: 1, Circa: true}, true},
		{"circa 1958-1962", entity.Date{Year: 1958, YearTo: 1962, Circa: true}, true},
		{"1958 to 1962", entity.Date{Year: 1958, YearTo: 1962}, true},
		{"22 Dec 1961 to 23 Dec 1961", entity.Date{Year: 1961, Month: 12, Day: 22}, true},
		{"Jan 1960 to Dec 1961", entity.Date{Year: 1960, Month: 1, YearTo: 1961}, true},
		{"1962 to 1958", entity.Date{}, false},
		{"32 Dec 1961", entity.Date{}, false},
		{"22 Foo 1961", entity.Date{}, false},
		{"61", entity.Date{}, false},
		{"", entity.Date{}, false},
		{"approx. 1961", entity.Date{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseRemarkDate(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			tt.want.Text = tt.in
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMineFragment(t *testing.T) {
	tests := []struct {
		frag  string
		check func(e *entity.Entity) bool
	}{
		{"DOB 22 Dec 1961", func(e *entity.Entity) bool { return len(e.BirthDates) == 1 && e.BirthDates[0].String() == "1961-12-22" }},
		{"alt. DOB 1958 to 1962", func(e *entity.Entity) bool { return len(e.BirthDates) == 1 && e.BirthDates[0].YearTo == 1962 }},
		{"DOB sometime in 1960", func(e *entity.Entity) bool { return slices.Equal(e.Properties["dob"], []string{"sometime in 1960"}) }},
		{"POB Khansar, Iran", func(e *entity.Entity) bool { return slices.Equal(e.BirthPlaces, []string{"Khansar, Iran"}) }},
		{"nationality Korea, North", func(e *entity.Entity) bool { return slices.Equal(e.Nationalities, []string{"KP"}) }},
		{"citizen Russia", func(e *entity.Entity) bool { return slices.Equal(e.Citizenships, []string{"RU"}) }},
		{"nationality Atlantis", func(e *entity.Entity) bool { return slices.Equal(e.Properties["nationality"], []string{"Atlantis"}) }},
		{"Gender Female", func(e *entity.Entity) bool { return e.Gender == "Female" }},
		{"Passport C 1415363 - 16/2/1421H issued 21 May 2000", func(e *entity.Entity) bool {
			return reflect.DeepEqual(e.Identifiers, []entity.Identifier{{Type: entity.IDPassport, Label: "Passport", Number: "C 1415363 - 16/2/1421H", Issued: "2000-05-21"}})
		}},
		{"alt. Passport J110141 (Saudi Arabia) issued 18 Apr 2010 expires 22 Feb 2015", func(e *entity.Entity) bool {
			return reflect.DeepEqual(e.Identifiers, []entity.Identifier{{Type: entity.IDPassport, Label: "Passport", Number: "J110141", Country: "SA", Issued: "2010-04-18", Expires: "2015-02-22"}})
		}},
		{"Registration Number HRA 738077 (Stuttgart) (Germany)", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 1 && e.Identifiers[0].Number == "HRA 738077 (Stuttgart)" && e.Identifiers[0].Country == "DE"
		}},
		{"Vessel Registration Identification IMO 7406784", func(e *entity.Entity) bool {
			return reflect.DeepEqual(e.Identifiers, []entity.Identifier{{Type: entity.IDIMO, Label: "Vessel Registration Identification IMO", Number: "7406784"}})
		}},
		{"Identification Number IMO 5342883", func(e *entity.Entity) bool { return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDIMO }},
		{"Identification Number 2.194.575 (Paraguay)", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDOther && e.Identifiers[0].Country == "PY"
		}},
		{"Unified Social Credit Code (USCC) 9113100033607322XK (China)", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDRegistration && e.Identifiers[0].Number == "9113100033607322XK"
		}},
		{"C.U.R.P. ZANM821122MSLMBD07 (Mexico)", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDNationalID
		}},
		{"NIT # 800018928-0 (Colombia)", func(e *entity.Entity) bool { return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDTaxID }},
		{"Legal Entity Number 253400V1H6ART1UQ0N98 (Russia)", func(e *entity.Entity) bool { return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDLEI }},
		{"SWIFT/BIC ALFARUMM", func(e *entity.Entity) bool { return hasIDType(e, entity.IDSWIFT, "ALFARUMM") }},
		{"MMSI 572469210", func(e *entity.Entity) bool { return hasIDType(e, entity.IDMMSI, "572469210") }},
		{"Aircraft Tail Number RA-76842", func(e *entity.Entity) bool { return hasIDType(e, entity.IDAircraft, "RA-76842") }},
		{"Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", func(e *entity.Entity) bool {
			return reflect.DeepEqual(e.Identifiers, []entity.Identifier{{Type: entity.IDCrypto, Label: "Digital Currency Address - XBT", Number: "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"}})
		}},
		{"Permit Number IG0641T102018 (Maldives) issued 07 May 2018", func(e *entity.Entity) bool { return len(e.Identifiers) == 1 && e.Identifiers[0].Issued == "2018-05-07" }},
		{"Kurdistan Widget License Card 12345", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 1 && e.Identifiers[0].Type == entity.IDOther && e.Identifiers[0].Label == "Kurdistan Widget License Card"
		}},
		{"a.k.a. 'BNC'", func(e *entity.Entity) bool {
			return len(e.Names) == 2 && e.Names[1] == entity.Name{Full: "BNC", Kind: entity.NameAlias, Quality: entity.Weak}
		}},
		{"f.k.a. 'ABU-'L-FADL'", func(e *entity.Entity) bool {
			return len(e.Names) == 2 && e.Names[1].Full == "ABU-'L-FADL" && e.Names[1].Kind == entity.NameFormer
		}},
		{"a.k.a. 'PRIMARY'", func(e *entity.Entity) bool { return len(e.Names) == 1 }}, // the primary name is not repeated
		{"Website http://waatasemu.org.ly", func(e *entity.Entity) bool { return slices.Equal(e.Websites, []string{"http://waatasemu.org.ly"}) }},
		{"http://www.saraproperties.co.uk (website)", func(e *entity.Entity) bool {
			return slices.Equal(e.Websites, []string{"http://www.saraproperties.co.uk"})
		}},
		{"alt. Email Address a@b.c", func(e *entity.Entity) bool { return slices.Equal(e.Emails, []string{"a@b.c"}) }},
		{"Telephone (98)(21)(66153220)", func(e *entity.Entity) bool { return slices.Equal(e.Phones, []string{"(98)(21)(66153220)"}) }},
		{"Linked To: HIZBALLAH", func(e *entity.Entity) bool {
			return slices.Equal(e.Relations, []entity.Relation{{Kind: "linked_to", Name: "HIZBALLAH"}})
		}},
		{"Owned or Controlled By: ACME LTD.", func(e *entity.Entity) bool {
			return len(e.Relations) == 1 && e.Relations[0].Kind == "owned_or_controlled_by"
		}},
		{"Subsidiary Of: ACME", func(e *entity.Entity) bool { return len(e.Relations) == 1 && e.Relations[0].Kind == "subsidiary_of" }},
		{"Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214", func(e *entity.Entity) bool {
			return len(e.Relations) == 0 && len(e.Properties["transactions_prohibited"]) == 1
		}},
		{"Additional Sanctions Information - Subject to Secondary Sanctions", func(e *entity.Entity) bool { return e.SecondarySanctions }},
		{"Additional Sanctions Information - Not Subject to Secondary Sanctions", func(e *entity.Entity) bool { return !e.SecondarySanctions }},
		{"Secondary sanctions risk: section 1(b) of Executive Order 13224", func(e *entity.Entity) bool {
			return e.SecondarySanctions && slices.Equal(e.Properties["secondary_sanctions_risk"], []string{"section 1(b) of Executive Order 13224"})
		}},
		{"Organization Established Date 24 Jul 2006", func(e *entity.Entity) bool {
			return slices.Equal(e.Properties["organization_established_date"], []string{"24 Jul 2006"})
		}},
		{"Organization Type: Wholesale trade", func(e *entity.Entity) bool {
			return slices.Equal(e.Properties["organization_type"], []string{"Wholesale trade"})
		}},
		{"Target Type Financial Institution", func(e *entity.Entity) bool {
			return slices.Equal(e.Properties["target_type"], []string{"Financial Institution"})
		}},
		{"Executive Order 13846 information: LOANS FROM UNITED STATES FINANCIAL INSTITUTIONS", func(e *entity.Entity) bool { return len(e.Properties["executive_order"]) == 1 }},
		{"CAATSA - RUSSIA", func(e *entity.Entity) bool { return slices.Equal(e.Properties["caatsa"], []string{"CAATSA - RUSSIA"}) }},
		{"Listing Date (EO 14024 Directive 2): 24 Feb 2022", func(e *entity.Entity) bool { return len(e.Properties["listing_date"]) == 1 }},
		{"Effective Date (EO 14024 Directive 2): 26 Mar 2022", func(e *entity.Entity) bool { return len(e.Properties["effective_date"]) == 1 }},
		{"Vessel Year of Build 1999", func(e *entity.Entity) bool { return e.Vessel != nil && e.Vessel.BuildYear == "1999" }},
		{"Former Vessel Flag Malta", func(e *entity.Entity) bool { return slices.Equal(e.Countries, []string{"MT"}) }},
		{"Member of the Upper House of Parliament", func(e *entity.Entity) bool {
			return slices.Equal(e.Positions, []string{"Member of the Upper House of Parliament"})
		}},
		{"Minister of Oil", func(e *entity.Entity) bool { return slices.Equal(e.Positions, []string{"Minister of Oil"}) }},
		{"Brigadier General", func(e *entity.Entity) bool { return slices.Equal(e.Titles, []string{"Brigadier General"}) }},
		{"wife of Izzat Ibrahim Al-Duri", func(e *entity.Entity) bool {
			return slices.Equal(e.Relations, []entity.Relation{{Kind: "wife_of", Name: "Izzat Ibrahim Al-Duri"}})
		}},
		{"Member ETA", func(e *entity.Entity) bool { return slices.Equal(e.Properties["member_of"], []string{"ETA"}) }},
		{"Dealer and transporter of weapons and minerals", func(e *entity.Entity) bool {
			return slices.Equal(e.Properties["remark"], []string{"Dealer and transporter of weapons and minerals"})
		}},
		{"POBox 12", func(e *entity.Entity) bool { return len(e.BirthPlaces) == 0 && len(e.Properties["remark"]) == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.frag, func(t *testing.T) {
			e := &entity.Entity{Name: "PRIMARY", Names: []entity.Name{{Full: "PRIMARY", Kind: entity.NamePrimary, Quality: entity.Strong}}}
			mineFragment(e, tt.frag)
			if !tt.check(e) {
				t.Errorf("unexpected result: names %+v ids %+v rel %+v props %v dob %+v pos %q", e.Names, e.Identifiers, e.Relations, e.Properties, e.BirthDates, e.Positions)
			}
		})
	}
}

func hasIDType(e *entity.Entity, typ, num string) bool {
	return len(e.Identifiers) == 1 && e.Identifiers[0].Type == typ && e.Identifiers[0].Number == num
}

func TestSplitRemarks(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"DOB 1961; POB Iran.", []string{"DOB 1961", "POB Iran"}},
		{"Linked To: ACME CO., LTD.", []string{"Linked To: ACME CO., LTD."}},
		{"Linked To: BANCO S.A.", []string{"Linked To: BANCO S.A."}},
		{"a; ; b;", []string{"a", "b"}},
		{"", nil},
		{".", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := splitRemarks(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Each remark key must mean one thing: a repeated key would make the
// result depend on the order of the table.
func TestRuleKeysUnique(t *testing.T) {
	seen := make(map[string]bool)
	for _, r := range rules {
		k := strings.ToLower(r.key)
		if seen[k] {
			t.Errorf("key %q appears twice", r.key)
		}
		seen[k] = true
	}
}
