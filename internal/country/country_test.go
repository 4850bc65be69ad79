package country

import "testing"

func TestCode(t *testing.T) {
	cases := map[string]string{
		"Iran": "IR", "Iran, Islamic Republic of": "IR", "Korea, North": "KP", "Burma": "MM",
		"Russia": "RU", "RU": "RU", "RUS": "RU", "Germany": "DE", "United Arab Emirates": "AE",
		"Türkiye": "TR", "Hong Kong": "HK", "China": "CN", "Côte d'Ivoire": "CI", "Iraq": "IQ",
		"Kazakhstan": "KZ", "Armenia": "AM", "00": "", "": "", "Atlantis": "", "Syria": "SY",
		"Congo, Democratic Republic of the": "CD", "Region: Crimea": "UA", "the Netherlands": "NL",
	}
	for in, want := range cases {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Name("IR"); got != "Iran" {
		t.Errorf("Name(IR) = %q", got)
	}
}

func TestNames(t *testing.T) {
	got := Names("ir")
	if len(got) < 3 || got[0] != "Iran" {
		t.Fatalf("Names(ir) = %q, want the display name first and the list spellings", got)
	}
	for _, want := range []string{"persia", "islamic republic of iran"} {
		found := false
		for _, n := range got {
			found = found || n == want
		}
		if !found {
			t.Errorf("Names(IR) = %q lacks %q", got, want)
		}
	}
	for _, n := range Names("UA") {
		if n == "region: crimea" {
			t.Errorf("Names(UA) holds the region key %q", n)
		}
	}
	if n := Names("XX"); n != nil {
		t.Errorf("Names(XX) = %q, want nil", n)
	}
}
