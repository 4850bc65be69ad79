package goods

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in      string
		wantHS6 string
		wantErr bool
	}{
		{"8542.31.0000", "854231", false},
		{"854231", "854231", false},
		{"8542 31", "854231", false},
		{" 8542-31-00 ", "854231", false},
		{"8482.10", "848210", false},
		{"8526.91.0000", "852691", false},
		{"8542/31/00/00", "854231", false},
		{"8542", "", true},
		{"85423", "", true},
		{"854231000000", "", true}, // 12 digits
		{"8542.3I", "", true},      // letter I for 1
		{"HS854231", "", true},
		{"8542,31", "", true},
		{"", "", true},
		{"000000", "", true},
		{"770000", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCode(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseCode(%q) = %+v, want error", tt.in, got)
				}
				if !errors.Is(err, ErrMalformedCode) {
					t.Errorf("error %v does not wrap ErrMalformedCode", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCode(%q): %v", tt.in, err)
			}
			if got.HS6 != tt.wantHS6 {
				t.Errorf("HS6 = %q, want %q", got.HS6, tt.wantHS6)
			}
		})
	}
}

// TestEmbeddedListsMatchShared keeps the embedded copies in step with the
// shared reference files they were copied from.
func TestEmbeddedListsMatchShared(t *testing.T) {
	for _, name := range []string{"chpl.csv", "ear-746-supp7.csv"} {
		t.Run(name, func(t *testing.T) {
			shared := sharedtest.Read(t, "data/reference/"+name)
			local, err := os.ReadFile("data/" + name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(shared, local) {
				t.Errorf("data/%s differs from shared/data/reference/%s; copy it again and update PROVENANCE.md", name, name)
			}
		})
	}
}

func TestLists(t *testing.T) {
	c, s := CHPL(), Supp7()
	if c.Len() != 50 {
		t.Errorf("CHPL has %d codes, want 50", c.Len())
	}
	if s.Len() != 53 {
		t.Errorf("Supp. 7 has %d codes, want 53", s.Len())
	}
	if c.Version != "2024-02-23" {
		t.Errorf("CHPL version = %q, want 2024-02-23", c.Version)
	}
	tiers := map[string]int{}
	for _, code := range c.Codes() {
		e, _ := c.Lookup(code)
		tiers[e.Tier]++
		if _, ok := s.Lookup(code); !ok {
			t.Errorf("CHPL code %s not in Supp. 7 (domain.md 1.3 says all 50 are)", code)
		}
	}
	wantTiers := map[string]int{"1": 4, "2": 5, "3.A": 16, "3.B": 9, "4.A": 11, "4.B": 5}
	for k, v := range wantTiers {
		if tiers[k] != v {
			t.Errorf("tier %s has %d codes, want %d", k, tiers[k], v)
		}
	}
	for _, tt := range []struct{ hs6, tier string }{{"854231", "1"}, {"848210", "3.B"}, {"852691", "2"}, {"846693", "4.B"}} {
		e, ok := c.Lookup(tt.hs6)
		if !ok || e.Tier != tt.tier {
			t.Errorf("CHPL %s = %+v, %v; want tier %s", tt.hs6, e, ok, tt.tier)
		}
	}
	if _, ok := c.Lookup("840710"); ok {
		t.Error("840710 is on Supp. 7 only, found on CHPL")
	}
	if _, ok := s.Lookup("840710"); !ok {
		t.Error("840710 missing from Supp. 7")
	}
	if _, ok := s.Lookup("940360"); ok {
		t.Error("furniture 940360 found on Supp. 7")
	}
}

func TestLoadListErrors(t *testing.T) {
	tests := []struct {
		name, in, wantField string
		wantLine            int
	}{
		{"missing column", "hs6,description\n854231,x\n", "source_url", 1},
		{"bad code", "hs6,tier,description,source_url,version_date\n85423,1,x,u,2024-01-01\n", "hs6", 2},
		{"bad tier", "hs6,tier,description,source_url,version_date\n854231,5,x,u,2024-01-01\n", "tier", 2},
		{"duplicate", "hs6,tier,description,source_url,version_date\n854231,1,x,u,2024-01-01\n854231,1,x,u,2024-01-01\n", "hs6", 3},
		{"no date", "hs6,tier,description,source_url,version_date\n854231,1,x,u,\n", "version_date", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadList(strings.NewReader(tt.in), "test.csv", "T")
			var pe *parse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *parse.Error", err)
			}
			if pe.Field != tt.wantField || pe.Line != tt.wantLine || pe.File != "test.csv" {
				t.Errorf("got file %q line %d field %q, want test.csv line %d field %q", pe.File, pe.Line, pe.Field, tt.wantLine, tt.wantField)
			}
		})
	}
}

func TestSharedListsLoad(t *testing.T) {
	for _, tt := range []struct {
		file string
		n    int
	}{{"data/reference/chpl.csv", 50}, {"data/reference/ear-746-supp7.csv", 53}} {
		t.Run(tt.file, func(t *testing.T) {
			l, err := LoadList(bytes.NewReader(sharedtest.Read(t, tt.file)), tt.file, "x")
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != tt.n {
				t.Errorf("got %d codes, want %d", l.Len(), tt.n)
			}
		})
	}
}

func TestComponents(t *testing.T) {
	m := Components()
	tests := []struct {
		name                   string
		desc, part, mfr        string
		wantKinds              []string
		wantField, wantPattern string
	}{
		{"stm32 part", "Microcontrollers", "STM32F405RGT6", "STMicroelectronics", []string{"processor"}, "description", "microcontroller"},
		{"stm32 in description", "32-bit MCU STM32F103C8T6 reel", "", "", []string{"processor"}, "description", "mcu"},
		{"ublox neo", "GNSS receiver module", "NEO-M8N-0-10", "u-blox", []string{"gnss"}, "description", "gnss"},
		{"neo part only", "module", "NEO-M8N", "", []string{"gnss"}, "part_number", "NEO-"},
		{"neon lamp is not neo", "neon indicator lamp", "", "", nil, "", ""},
		{"mpu6050 without hyphen", "sensor board", "MPU6050", "", []string{"imu"}, "part_number", "MPU-60"},
		{"adis", "precision sensor", "ADIS16470BMLZ", "Analog Devices", []string{"imu"}, "part_number", "ADIS16"},
		{"limbach", "Limbach L550E aircraft engine", "", "", []string{"engine"}, "description", "limbach"},
		{"xilinx spartan", "Xilinx Spartan-7 device", "", "", []string{"fpga"}, "description", "spartan"},
		{"zynq part", "SoC", "XC7Z020-1CLG400C", "", []string{"fpga"}, "part_number", "XC7"},
		{"tantalum capacitor", "Tantalum capacitor 10uF", "", "", []string{"capacitor"}, "description", "tantalum capacitor"},
		{"i.mx", "NXP i.MX 8M processor", "", "", []string{"processor"}, "description", "i.mx"},
		{"servo", "digital servo 25kg", "", "", []string{"servo"}, "description", "servo"},
		{"bearings none", "Deep groove ball bearings 6204-2RS", "6204-2RS", "SKF", nil, "", ""},
		{"led 3w is not an engine", "LED 3W warm white", "", "", nil, "", ""},
		{"gps and camera", "GPS camera gimbal", "", "", []string{"gnss", "camera"}, "description", "gps"},
		{"plural", "Antennas and GNSS receivers", "", "", []string{"gnss", "antenna"}, "description", "gnss"},
		{"word boundary", "gpsx mcuboard", "", "", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := m.Match(tt.desc, tt.part, tt.mfr)
			var kinds []string
			for _, h := range hits {
				kinds = append(kinds, h.Kind)
				if len(h.HS6) == 0 || h.Source == "" {
					t.Errorf("hit %+v lacks hs6 or source", h)
				}
			}
			if strings.Join(kinds, ",") != strings.Join(tt.wantKinds, ",") {
				t.Fatalf("kinds = %v, want %v (hits %+v)", kinds, tt.wantKinds, hits)
			}
			if len(hits) > 0 && (hits[0].Field != tt.wantField || hits[0].Pattern != tt.wantPattern) {
				t.Errorf("first hit field %q pattern %q, want %q %q", hits[0].Field, hits[0].Pattern, tt.wantField, tt.wantPattern)
			}
		})
	}
}

func TestComponentKindsMapToListedCodes(t *testing.T) {
	// Every kind except servomotors maps onto codes of Supp. 7 (domain.md
	// 1.3); a typo in hs6 would otherwise go unnoticed.
	for _, c := range Components().comps {
		if c.Kind == "servo" {
			continue
		}
		for _, h := range c.HS6 {
			if _, ok := Supp7().Lookup(h); !ok {
				t.Errorf("component %s %q: hs6 %s not on Supp. 7", c.Kind, c.Pattern, h)
			}
		}
	}
}

func TestLoadComponentsErrors(t *testing.T) {
	head := "kind,match,pattern,hs6,source,note\n"
	tests := []struct{ name, in, field string }{
		{"bad match", head + "x,regex,a,854231,s,\n", "match"},
		{"bad hs6", head + "x,word,a,8542,s,\n", "hs6"},
		{"empty kind", head + ",word,a,854231,s,\n", "kind"},
		{"short prefix", head + "x,prefix,A,854231,s,\n", "pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadComponents(strings.NewReader(tt.in), "c.csv")
			var pe *parse.Error
			if !errors.As(err, &pe) || pe.Field != tt.field || pe.Line != 2 {
				t.Fatalf("err = %v, want parse.Error line 2 field %s", err, tt.field)
			}
		})
	}
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"8542.31.0000", "854231", "8542 31", "8482.10", "85423", "8542.3I", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		if len(c.HS6) != 6 || len(c.Digits) < 6 || len(c.Digits) > 10 || !strings.HasPrefix(c.Digits, c.HS6) {
			t.Fatalf("ParseCode(%q) = %+v", s, c)
		}
		again, err := ParseCode(c.Digits)
		if err != nil || again.HS6 != c.HS6 {
			t.Fatalf("digits %q do not parse back: %v", c.Digits, err)
		}
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("STM32 microcontrollers", "STM32F405RGT6", "ST")
	f.Add("u-blox NEO-M8N GNSS", "NEO-M8N", "u-blox")
	f.Add("Deep groove ball bearings", "6204-2RS", "SKF")
	m := Components()
	brute := *m
	brute.noIndex = true
	f.Fuzz(func(t *testing.T, d, p, mf string) {
		hits := m.Match(d, p, mf)
		for _, h := range hits {
			if h.Field == "" || h.Kind == "" {
				t.Fatalf("empty hit %+v", h)
			}
		}
		// The word index must not change the result.
		all := brute.Match(d, p, mf)
		if len(all) != len(hits) {
			t.Fatalf("indexed %d hits, brute force %d (%+v vs %+v)", len(hits), len(all), hits, all)
		}
		for i := range all {
			if all[i].Pattern != hits[i].Pattern || all[i].Field != hits[i].Field {
				t.Fatalf("hit %d: indexed %+v, brute force %+v", i, hits[i], all[i])
			}
		}
	})
}

func FuzzLoadList(f *testing.F) {
	f.Add("hs6,tier,description,source_url,version_date\n854231,1,\"ICs, processors\",https://www.bis.gov/x,2024-02-23\n")
	f.Add("hs6,also_on_chpl,description,source_url,version_date\n840710,no,Engines,https://x,2026-09-24\n")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := LoadList(strings.NewReader(s), "f.csv", "F")
		if err != nil {
			var pe *parse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a parse.Error", err)
			}
			return
		}
		for _, c := range l.Codes() {
			if len(c) != 6 {
				t.Fatalf("code %q", c)
			}
		}
	})
}

func TestComponentsCopy(t *testing.T) {
	m := Components()
	cs := m.Components()
	if len(cs) != m.Len() || cs[0].Kind != "processor" || cs[0].Pattern != "microcontroller" {
		t.Fatalf("Components() = %d patterns starting %+v, want the file's %d in order", len(cs), cs[0], m.Len())
	}
	cs[0].Kind = "changed"
	if m.Components()[0].Kind != "processor" {
		t.Error("Components returns the matcher's own slice")
	}
}
