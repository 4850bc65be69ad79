package names

import "testing"

func TestSinoSim(t *testing.T) {
	tests := []struct {
		a, b    string
		sim     float64
		decided bool
	}{
		{"xi", "hsi", 1, true},
		{"jinping", "chinping", 1, true},
		{"zedong", "tsetung", 1, true},
		{"zhang", "chang", 1, true},
		{"qin", "chin", 1, true},
		{"guo", "kuo", 1, true},
		{"ren", "jen", 1, true},
		{"zhi", "chih", 1, true},
		{"wenjing", "wenqing", 0, true},
		{"qiang", "cuiying", 0, true},
		{"jing", "qing", 0, true},
		{"jansen", "jensen", 0, false}, // Wade-Giles only: letters decide
		{"smith", "xi", 0, false},
	}
	for _, tt := range tests {
		sim, ok := SinoSim(tt.a, tt.b)
		if sim != tt.sim || ok != tt.decided {
			t.Errorf("SinoSim(%q, %q) = %v, %v; want %v, %v", tt.a, tt.b, sim, ok, tt.sim, tt.decided)
		}
	}
}

func TestAnalyzeSino(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		want bool
	}{
		{"Xi Jinping", Person, true},
		{"Hsi Chin-p'ing", Person, true},
		{"习近平", Person, true},
		{"Ouyang Zhenhua", Person, true}, // a compound surname
		{"Mao Tse-tung", Any, true},
		{"Zhang Wei", Org, false},
		{"John Smith", Person, false},
		{"Seka Baluku", Person, false},  // open syllables, but a three-syllable word
		{"Amadou Koufa", Person, false}, // idem
		{"Kim Jong Un", Person, false},
	}
	for _, tt := range tests {
		if got := Analyze(tt.name, tt.kind).Sino; got != tt.want {
			t.Errorf("Analyze(%q).Sino = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestJapaneseKanjiNotPinyin checks that Japanese names written in kanji
// are not read as Chinese: 田中 is Tanaka, and its pinyin (tian zhong)
// would match Chinese names it has nothing to do with.
func TestJapaneseKanjiNotPinyin(t *testing.T) {
	for _, s := range []string{"佐藤 翔太", "田中 角栄", "安倍晋三 あべしんぞう"} {
		if got := Latin(s); got == "" || got[0] != 'x' {
			t.Errorf("Latin(%q) = %q, want kanji left unread (x<code point> words)", s, got)
		}
	}
	if got := Latin("欧阳 修"); got != "ouyang xiu" {
		t.Errorf("Latin(%q) = %q, want a Chinese compound surname read", "欧阳 修", got)
	}
}

// TestHanTable checks readings of the generated table against public
// knowledge, including a traditional form and a surname reading.
func TestHanTable(t *testing.T) {
	for r, want := range map[rune]string{'习': "xi", '習': "xi", '金': "jin", '张': "zhang", '李': "li", '王': "wang", '吕': "lu", '〇': ""} {
		if got := hanReading(r); got != want {
			t.Errorf("hanReading(%q) = %q, want %q", r, got, want)
		}
	}
	if n := len(pinyinSet()); n < 380 || n > 430 {
		t.Errorf("%d pinyin syllables, want about 400", n)
	}
}

func TestKoreanSim(t *testing.T) {
	tests := []struct {
		a, b    string
		sim     float64
		decided bool
	}{
		{"jong", "jeong", 1, true},
		{"chong", "jeong", 1, true},
		{"un", "eun", 1, true},
		{"jeongeun", "jongun", 1, true},
		{"myung", "myeong", 1, true},
		{"lee", "yi", 1, true},
		{"park", "bak", 1, true},
		{"seunghun", "songhun", 0, true},
		{"smith", "kim", 0, false},
	}
	for _, tt := range tests {
		sim, ok := KoreanSim(tt.a, tt.b)
		if sim != tt.sim || ok != tt.decided {
			t.Errorf("KoreanSim(%q, %q) = %v, %v; want %v, %v", tt.a, tt.b, sim, ok, tt.sim, tt.decided)
		}
	}
}

func TestAnalyzeKorean(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Kim Jong Un", true},
		{"김정은", true},
		{"Park Geun-hye", true},
		{"Choe Ryong Hae", true},
		{"Xi Jinping", false}, // Chinese first
		{"John Smith", false},
	}
	for _, tt := range tests {
		if got := Analyze(tt.name, Person).Korean; got != tt.want {
			t.Errorf("Analyze(%q).Korean = %v, want %v", tt.name, got, tt.want)
		}
	}
}
