package route

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

func TestCountries(t *testing.T) {
	d := Default()
	for _, c := range []string{"IR", "KP", "SY", "CU", "RU", "BY"} {
		if f, ok := d.Embargoed(c); !ok || f.Source == "" || f.Tag == "" {
			t.Errorf("Embargoed(%s) = %+v, %v; want a sourced fact", c, f, ok)
		}
	}
	alert := strings.Fields("AM BR CN GE IN IL KZ KG MX NI RS SG ZA TW TJ TR AE UZ")
	if len(alert) != 18 {
		t.Fatalf("test lists %d alert jurisdictions", len(alert))
	}
	for _, c := range append(alert, "HK", "AZ") {
		if _, ok := d.Transshipment(c); !ok {
			t.Errorf("Transshipment(%s) = false, want true", c)
		}
	}
	for _, c := range []string{"DE", "FR", "US", "JP", "UA"} {
		if _, ok := d.Country(c); ok {
			t.Errorf("Country(%s) has a fact, want none", c)
		}
	}
	if _, ok := d.Transshipment("IR"); ok {
		t.Error("IR is embargoed, not merely transshipment")
	}
	if f, _ := d.Transshipment("HK"); f.Tag != "B" {
		t.Errorf("HK tag = %q, want B (product addition)", f.Tag)
	}
}

func TestPort(t *testing.T) {
	d := Default()
	tests := []struct {
		in, wantCode, wantCountry string
		caspian                   bool
		known                     bool
	}{
		{"IRBAZ", "IRBAZ", "IR", true, true},
		{"IR BAZ", "IRBAZ", "IR", true, true},
		{"irbaz", "IRBAZ", "IR", true, true},
		{"Bandar Anzali", "IRBAZ", "IR", true, true},
		{"Bandar-e Anzali", "IRBAZ", "IR", true, true},
		{"BANDAR-E-ANZALI", "IRBAZ", "IR", true, true},
		{"Enzeli", "IRBAZ", "IR", true, true},
		{"Amirabad", "IRAMD", "IR", true, true},
		{"Bandar Amirabad", "IRAMD", "IR", true, true},
		{"IRAMP", "IRAMP", "IR", true, true},
		{"IRBAM", "IRBAM", "IR", false, true},
		{"Nowshahr", "IRNSH", "IR", true, true},
		{"Astara", "IRASR", "IR", true, true},
		{"AZAST", "AZAST", "AZ", false, true},
		{"Neka", "IRNEK", "IR", true, true},
		{"Bandar-e Gaz", "IRBRG", "IR", true, true},
		{"Makhachkala", "RUMCX", "RU", true, true},
		{"Mahachkala", "RUMCX", "RU", true, true},
		{"RU MCX", "RUMCX", "RU", true, true},
		{"Astrakhan", "RUASF", "RU", true, true},
		{"Port of Astrakhan", "RUASF", "RU", true, true},
		{"Olya", "", "RU", true, true},
		{"Hamburg", "DEHAM", "DE", false, true},
		{"Sevastopol", "UASVP", "UA", false, true},
		{"RUXYZ", "RUXYZ", "RU", false, false},
		{"Baku", "AZBAK", "AZ", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := d.Port(tt.in)
			if !ok {
				t.Fatalf("Port(%q) not found", tt.in)
			}
			if p.LOCODE != tt.wantCode || p.Country != tt.wantCountry || p.CaspianIRRU() != tt.caspian || p.Known != tt.known {
				t.Errorf("Port(%q) = %s %s caspian=%v known=%v, want %s %s caspian=%v known=%v", tt.in, p.LOCODE, p.Country, p.CaspianIRRU(), p.Known, tt.wantCode, tt.wantCountry, tt.caspian, tt.known)
			}
		})
	}
	for _, in := range []string{"", "Atlantis", "Kerch Strait Bridge", "XXABC", "12345"} {
		if p, ok := d.Port(in); ok {
			t.Errorf("Port(%q) = %+v, want not found", in, p)
		}
	}
	if p, _ := d.Port("Amirabad"); strings.Join(p.Alternatives, ",") != "IRAMP,IRBAM" {
		t.Errorf("Amirabad alternatives = %v, want [IRAMP IRBAM]", p.Alternatives)
	}
}

func TestOccupiedRegion(t *testing.T) {
	d := Default()
	tests := []struct {
		in, region string
		partial    bool
	}{
		{"ul. Lenina 5, Sevastopol", "Crimea", false},
		{"Simferopol, Republic of Crimea", "Crimea", false},
		{"Port of Kerch", "Crimea", false},
		{"Mariupol", "Donetsk", false},
		{"Berdyansk port", "Zaporizhzhia", false},
		{"Melitopol", "Zaporizhzhia", false},
		{"LUHANSK", "Luhansk", false},
		{"Zaporizhzhia", "Zaporizhzhia", true},
		{"Kherson", "Kherson", true},
		{"Yalta", "Crimea", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, ok := d.OccupiedRegion(tt.in)
			if !ok || r.Region != tt.region || r.Partial != tt.partial || r.Source == "" {
				t.Errorf("OccupiedRegion(%q) = %+v, %v; want %s partial=%v", tt.in, r, ok, tt.region, tt.partial)
			}
		})
	}
	for _, in := range []string{"Kyiv", "Odesa", "Hamburg, Germany", "Donetskaya street"} {
		if r, ok := d.OccupiedRegion(in); ok {
			t.Errorf("OccupiedRegion(%q) = %+v, want none", in, r)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good := map[string]string{
		"countries.csv": "code,category,name,tag,source,source_url,note\nIR,embargoed,Iran,B,s,u,\n",
		"regions.csv":   "name,region,kind,partial,tag,source,source_url\nCrimea,Crimea,region,no,B,s,u\n",
		"ports.csv":     "locode,name,variants,country,sea,tag,source,note\nIRBAZ,Bandar Anzali,,IR,caspian,V,s,\n",
	}
	tests := []struct {
		name, file, body, field string
	}{
		{"bad country", "countries.csv", "code,category,name,tag,source,source_url,note\nXX,embargoed,X,B,s,u,\n", "code"},
		{"bad category", "countries.csv", "code,category,name,tag,source,source_url,note\nIR,bad,Iran,B,s,u,\n", "category"},
		{"bad tag", "regions.csv", "name,region,kind,partial,tag,source,source_url\nCrimea,Crimea,region,no,Q,s,u\n", "tag"},
		{"locode country mismatch", "ports.csv", "locode,name,variants,country,sea,tag,source,note\nRUBAZ,Bandar Anzali,,IR,caspian,V,s,\n", "locode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range good {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.body)}
			_, err := Load(fsys)
			var pe *parse.Error
			if !errors.As(err, &pe) || pe.File != tt.file || pe.Line != 2 || pe.Field != tt.field {
				t.Fatalf("err = %v, want parse.Error %s:2 field %s", err, tt.file, tt.field)
			}
		})
	}
}

func FuzzPort(f *testing.F) {
	for _, s := range []string{"IRBAZ", "IR BAZ", "Bandar-e Anzali", "Mahachkala", "Olya", "Sevastopol", "RUXYZ", ""} {
		f.Add(s)
	}
	d := Default()
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := d.Port(s)
		if ok && p.Country == "" {
			t.Fatalf("Port(%q) = %+v without country", s, p)
		}
		d.OccupiedRegion(s)
	})
}

// officialHosts are the publishers whose pages a cited source may be: the
// regulations (eCFR, Federal Register, EUR-Lex, legislation.gov.uk), the
// agencies (BIS, OFAC, FinCEN, trade.gov, UNECE, UN).
var officialHosts = []string{"ecfr.gov", "federalregister.gov", "bis.gov", "bis.doc.gov", "ofac.treasury.gov", "home.treasury.gov",
	"fincen.gov", "trade.gov", "eur-lex.europa.eu", "unece.org", "un.org", "legislation.gov.uk", "gov.uk"}

func officialURL(u string) bool {
	host, _, _ := strings.Cut(strings.TrimPrefix(u, "https://"), "/")
	for _, h := range officialHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// TestFactSourcesOfficial: every route fact cites the official publication
// (regulation, agency page or advisory), never a blog, a news site or an
// internal file (issue 9, point 7).
func TestFactSourcesOfficial(t *testing.T) {
	for _, file := range []string{"countries.csv", "regions.csv", "ports.csv"} {
		f, err := dataFS.Open("data/" + file)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		header := rows[0]
		for i, rec := range rows[1:] {
			for j, v := range rec {
				switch header[j] {
				case "source_url":
					if !officialURL(v) {
						t.Errorf("%s:%d: source_url %s is not an official publication", file, i+2, v)
					}
				case "source":
					for _, bad := range []string{"domain.md", ".csv", "internal/", "http"} {
						if strings.Contains(v, bad) {
							t.Errorf("%s:%d: source %q cites %q", file, i+2, v, bad)
						}
					}
				}
			}
		}
	}
}

func TestNamesForGazetteers(t *testing.T) {
	d := Default()
	ports := d.PortNames()
	seen := make(map[string]bool)
	for _, n := range ports {
		seen[n] = true
		if _, ok := d.Port(n); !ok {
			t.Errorf("PortNames gives %q, which Port does not find", n)
		}
	}
	for _, want := range []string{"Bandar Anzali", "Bandar-e Anzali", "Makhachkala", "Olya"} {
		if !seen[want] {
			t.Errorf("PortNames lacks %q", want)
		}
	}
	regions := d.RegionNames()
	if len(regions) < 20 || regions[0] != "Crimea" {
		t.Fatalf("RegionNames = %q, want every name in file order", regions)
	}
	for _, n := range regions {
		if _, ok := d.OccupiedRegion(n); !ok {
			t.Errorf("RegionNames gives %q, which OccupiedRegion does not find", n)
		}
	}
	ports[0] = "changed"
	if d.PortNames()[0] == "changed" {
		t.Error("PortNames returns the data's own slice")
	}
}
