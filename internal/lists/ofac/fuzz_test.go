package ofac_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// checkFuzzResult fails unless the parser returned either a dataset whose
// entities all pass Validate, or a *parse.Error.
func checkFuzzResult(t *testing.T, err error, validate func() error) {
	t.Helper()
	if err != nil {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not a *parse.Error", err, err)
		}
		if pe.File == "" {
			t.Fatalf("error %v names no file", err)
		}
		return
	}
	if err := validate(); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseCSV(f *testing.F) {
	sdn, add, alt, comments := snippet(f, "sdn.csv"), snippet(f, "add.csv"), snippet(f, "alt.csv"), snippet(f, "sdn_comments.csv")
	f.Add(sdn, add, alt, comments)
	f.Add(sdn[:200], add[:50], alt, []byte{})
	f.Add([]byte("33596,\"MEHRABI, Abdollah\",\"individual\",\"NPWMD] [IRGC\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB circa 1958 to 1962; a.k.a. 'X'; Passport A1 (Iran) issued 01 Jan 2010 expires Dec 2020\"\r\n\x1a"),
		[]byte("33596,1,-0- ,-0- ,\"Iran\",-0- \r\n"), []byte("33596,2,\"fka\",\"Y\",-0- \r\n"), []byte("33596,\"tail\"\r\n"))
	f.Fuzz(func(t *testing.T, sdn, add, alt, comments []byte) {
		ds, err := ofac.ParseCSV(parse.Files{"sdn.csv": sdn, "add.csv": add, "alt.csv": alt, "sdn_comments.csv": comments}, "us_ofac_sdn")
		checkFuzzResult(t, err, func() error {
			for _, e := range ds.Entities {
				if err := e.Validate(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func FuzzParseXML(f *testing.F) {
	// Small seeds: the fuzzer minimises each new input for up to a minute,
	// which on a 40 KB seed would use the whole run.
	f.Add(snippet(f, "classic-small.xml"))
	f.Add([]byte(`<sdnList><publshInformation><Publish_Date>04/06/2018</Publish_Date></publshInformation><sdnEntry><uid>1</uid><lastName>A</lastName><firstName>B</firstName><sdnType>Individual</sdnType><akaList><aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>C</lastName></aka></akaList><idList><id><uid>3</uid><idType>Passport</idType><idNumber>X</idNumber></id></idList><remarks>DOB 1961; Linked To: Z.</remarks></sdnEntry></sdnList>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ofac.ParseXML(data, "SDN.XML", "us_ofac_sdn")
		checkFuzzResult(t, err, func() error {
			for _, e := range ds.Entities {
				if err := e.Validate(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func FuzzParseAdvanced(f *testing.F) {
	f.Add(snippet(f, "advanced-small.xml"))
	f.Add([]byte(`<Sanctions><DateOfIssue><Year>2026</Year><Month>9</Month><Day>9</Day></DateOfIssue><ReferenceValueSets><AliasTypeValues><AliasType ID="1403">Name</AliasType></AliasTypeValues></ReferenceValueSets><DistinctParties><DistinctParty FixedRef="36"><Profile ID="36" PartySubTypeID="3"><Identity ID="1"><Alias AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName><DocumentedNamePart><NamePartValue NamePartGroupID="1">A</NamePartValue></DocumentedNamePart></DocumentedName></Alias></Identity></Profile></DistinctParty></DistinctParties><ProfileRelationships><ProfileRelationship From-ProfileID="36" To-ProfileID="36" RelationTypeID="1"/></ProfileRelationships><SanctionsEntries><SanctionsEntry ProfileID="36"><SanctionsMeasure><Comment>CUBA</Comment></SanctionsMeasure></SanctionsEntry></SanctionsEntries></Sanctions>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ofac.ParseAdvanced(bytes.NewReader(data), "SDN_ADVANCED.XML", "us_ofac_sdn")
		checkFuzzResult(t, err, func() error {
			for _, e := range ds.Entities {
				if err := e.Validate(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
