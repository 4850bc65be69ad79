package names

import (
	"bufio"
	"os"
	"testing"
)

// FuzzAnalyze checks that Analyze never panics, that every token is
// non-empty lower-case ASCII with a non-empty key, that the result is
// deterministic, that a word's key is Key of its text, and that Latin is
// idempotent.
func FuzzAnalyze(f *testing.F) {
	file, err := os.Open("testdata/bench_names.txt")
	if err != nil {
		f.Fatalf("open seed names: %v", err)
	}
	sc := bufio.NewScanner(file)
	for i := 0; sc.Scan(); i++ {
		if i%4 == 0 {
			f.Add(sc.Text(), uint8(i%3))
		}
	}
	file.Close()
	for _, s := range []string{"ООО Алабуга Девелопмент", "Βλαντίμιρ Πούτιν", "ולדימיר פוטין", "عبدالله",
		"Վլադիմիր Պուտին", "ვლადიმერ პუტინი", "블라디미르 푸틴", "ウラジーミル・プーチン", "J.P. Morgan Sp. z o.o.",
		"Mr. Dr. O'Brien 5th", "ال", "ا", "الله", "ﷲ", "\xff\xfe", "ǅ İ ß ﬁ", "习近平", "欧阳 修", "佐藤 翔太",
		"김정은", "남궁민수", "Hsi Chin-p'ing", "KIM CHO'NG-CH'O'L"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, name string, k uint8) {
		kind := Kind(k % 3)
		a := Analyze(name, kind)
		for i, tok := range a.Tokens {
			if tok.Text == "" || tok.Key == "" {
				t.Fatalf("Analyze(%q) token %d = %+v, want non-empty text and key", name, i, tok)
			}
			for j := 0; j < len(tok.Text); j++ {
				c := tok.Text[j]
				if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ' && tok.Kind == LegalForm || c == ' ' && tok.Kind == OrgWord) {
					t.Fatalf("Analyze(%q) token %d text %q has byte %q, want lower-case ASCII", name, i, tok.Text, c)
				}
			}
		}
		b := Analyze(name, kind)
		if len(a.Tokens) != len(b.Tokens) || a.Script != b.Script {
			t.Fatalf("Analyze(%q) not deterministic: %+v then %+v", name, a, b)
		}
		for i := range a.Tokens {
			if a.Tokens[i] != b.Tokens[i] {
				t.Fatalf("Analyze(%q) not deterministic: token %d %+v then %+v", name, i, a.Tokens[i], b.Tokens[i])
			}
		}
		l := Latin(name)
		if len(l) > 0 && (l[0] == ' ' || l[len(l)-1] == ' ') {
			t.Fatalf("Latin(%q) = %q, want no leading or trailing space", name, l)
		}
		if ll := Latin(l); ll != l {
			t.Fatalf("Latin(Latin(%q)) = %q, want %q (idempotent)", name, ll, l)
		}
		for _, tok := range a.Tokens {
			if tok.Kind == Word && tok.Key != Key(tok.Text) {
				t.Fatalf("Analyze(%q) word %q has key %q, want Key(text) = %q", name, tok.Text, tok.Key, Key(tok.Text))
			}
		}
	})
}

// FuzzKey checks that Key takes any bytes: it never panics, returns only
// lower-case ASCII letters and digits, and returns a non-empty key for any
// input with an ASCII letter.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"abdollah", "yusuf", "5th", "x20013", "tsch", "dzh", "gy", "h", "MOHAMMAD", "ö", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		letter := false
		for i := 0; i < len(s); i++ {
			if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
				letter = true
			}
		}
		if letter && k == "" {
			t.Fatalf("Key(%q) is empty, want a key for input with letters", s)
		}
		for i := 0; i < len(k); i++ {
			if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				t.Fatalf("Key(%q) = %q has byte %q, want lower-case ASCII", s, k, c)
			}
		}
	})
}
