// Package country maps the country names and codes found in sanctions lists
// and orders to ISO 3166-1 alpha-2 codes.
//
// The lists spell countries many ways ("Iran", "Iran, Islamic Republic of",
// "Korea, North", "Burma", "RU", "RUS"); screening compares codes, so every
// parser and every query goes through Code.
package country

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// aliases are names the CLDR English display names do not cover, as they
// appear in OFAC, UN, EU, UK and CSL files.
var aliases = map[string]string{
	"iran islamic republic of": "IR", "islamic republic of iran": "IR", "persia": "IR",
	"korea north": "KP", "north korea": "KP", "democratic peoples republic of korea": "KP", "dprk": "KP",
	"korea democratic peoples republic of": "KP", "korea dem peoples rep": "KP",
	"korea south": "KR", "south korea": "KR", "republic of korea": "KR", "korea republic of": "KR",
	"burma": "MM", "myanmar": "MM", "russian federation": "RU", "russia": "RU", "syrian arab republic": "SY", "syria": "SY",
	"united states": "US", "united states of america": "US", "usa": "US", "u s a": "US", "us": "US",
	"united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"uae": "AE", "u a e": "AE", "united arab emirates": "AE",
	"turkiye": "TR", "turkey": "TR", "republic of turkiye": "TR",
	"viet nam": "VN", "vietnam": "VN", "laos": "LA", "lao peoples democratic republic": "LA",
	"moldova republic of": "MD", "republic of moldova": "MD", "tanzania united republic of": "TZ",
	"venezuela bolivarian republic of": "VE", "bolivia plurinational state of": "BO",
	"congo democratic republic of the": "CD", "democratic republic of the congo": "CD", "congo kinshasa": "CD", "drc": "CD",
	"congo republic of the": "CG", "republic of the congo": "CG", "congo brazzaville": "CG", "congo": "CG",
	"cote divoire": "CI", "ivory coast": "CI", "czech republic": "CZ", "czechia": "CZ",
	"macedonia": "MK", "north macedonia": "MK", "the former yugoslav republic of macedonia": "MK",
	"palestinian": "PS", "palestine": "PS", "west bank": "PS", "gaza": "PS", "palestinian territories": "PS",
	"taiwan": "TW", "taiwan province of china": "TW", "hong kong": "HK", "hong kong sar": "HK", "hong kong sar china": "HK",
	"macau": "MO", "macao": "MO", "kyrgyz republic": "KG", "kyrgyzstan": "KG", "brunei darussalam": "BN",
	"the bahamas": "BS", "bahamas the": "BS", "gambia the": "GM", "the gambia": "GM", "cabo verde": "CV", "cape verde": "CV",
	"swaziland": "SZ", "eswatini": "SZ", "holy see": "VA", "vatican": "VA", "micronesia federated states of": "FM",
	"saint kitts and nevis": "KN", "st kitts and nevis": "KN", "saint vincent and the grenadines": "VC",
	"saint lucia": "LC", "timor leste": "TL", "east timor": "TL", "kosovo": "XK", "bosnia and herzegovina": "BA",
	"bosnia herzegovina": "BA", "trinidad and tobago": "TT", "antigua and barbuda": "AG", "sao tome and principe": "ST",
	"region: crimea": "UA", "crimea": "UA", "region crimea": "UA", "netherlands the": "NL", "the netherlands": "NL", "holland": "NL",
	"belarus": "BY", "byelorussia": "BY", "tajikistan": "TJ", "kazakstan": "KZ", "uzbekistan": "UZ",
	"soviet union": "SU", "ussr": "SU", "yugoslavia": "YU", "serbia and montenegro": "CS", "german democratic republic": "DD",
}

var (
	once   sync.Once
	byName map[string]string
	names  map[string]string
)

func build() {
	byName = make(map[string]string, 800)
	names = make(map[string]string, 300)
	en := display.English.Regions()
	for _, code := range allRegionCodes() {
		r, err := language.ParseRegion(code)
		if err != nil || !r.IsCountry() {
			continue
		}
		n := en.Name(r)
		if n == "" || n == code {
			continue
		}
		names[code] = n
		byName[key(n)] = code
	}
	for k, v := range aliases {
		byName[key(k)] = v
	}
	// Historical codes the lists still use; keep display names for them.
	for code, n := range map[string]string{"SU": "Soviet Union", "YU": "Yugoslavia", "CS": "Serbia and Montenegro", "DD": "German Democratic Republic", "XK": "Kosovo"} {
		if names[code] == "" {
			names[code] = n
		}
	}
}

// allRegionCodes lists every two-letter code x/text knows, by trying the
// alphabet: the package exposes no iterator.
func allRegionCodes() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			out = append(out, string([]rune{a, b}))
		}
	}
	return out
}

// key folds a name for lookup: lower case, accents and punctuation dropped,
// spaces collapsed, a leading "the" removed.
func key(s string) string {
	s = norm.NFKD.String(strings.ToLower(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || r == '\'' || r == '’' || r == '.':
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == ':':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	out := b.String()
	out = strings.TrimPrefix(out, "the ")
	return out
}

// Code returns the ISO 3166-1 alpha-2 code for a country name, an alpha-2
// code or an alpha-3 code, or "" when s is not recognised.
func Code(s string) string {
	once.Do(build)
	s = strings.TrimSpace(s)
	if s == "" || s == "00" {
		return ""
	}
	if len(s) == 2 && isASCIILetters(s) {
		up := strings.ToUpper(s)
		if _, ok := names[up]; ok {
			return up
		}
		if up == "UK" {
			return "GB"
		}
	}
	if len(s) == 3 && isASCIILetters(s) && strings.ToUpper(s) == s {
		if r, err := language.ParseRegion(s); err == nil && r.IsCountry() {
			return r.String()
		}
	}
	if c, ok := byName[key(s)]; ok {
		return c
	}
	return ""
}

// Name returns the English name of an alpha-2 code, or the code itself
// when unknown.
func Name(code string) string {
	once.Do(build)
	if n, ok := names[strings.ToUpper(code)]; ok {
		return n
	}
	return code
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Names returns the English name of an alpha-2 code and the other names
// the lists use for it ("iran islamic republic of", "persia"), the latter
// folded to lower-case words, sorted; nil for an unknown code. The
// free-text scanner builds its gazetteer of embargoed countries from it.
func Names(code string) []string {
	once.Do(build)
	code = strings.ToUpper(code)
	n, ok := names[code]
	if !ok {
		return nil
	}
	var other []string
	for k, c := range aliases {
		if c == code && !strings.Contains(k, ":") {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	return append([]string{n}, other...)
}
