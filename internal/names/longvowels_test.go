package names

import "testing"

func TestLongVowelsAgree(t *testing.T) {
	for _, tt := range []struct {
		native, latin string
		want          bool
	}{
		{"hsin", "hussein", true},  // حسين
		{"hsin", "husayn", true},   // حسين
		{"hsin", "hassan", false},  // حسين is not حسن
		{"hsn", "hassan", true},    // حسن: no long vowel to disagree
		{"hsn", "hussein", true},   // nor here: the Latin vowels are free
		{"said", "saeed", true},    // سعید
		{"mhdi", "mahdi", true},    // مهدی
		{"mhdi", "mehdi", true},    // e writes a fatha
		{"kmali", "gamal", false},  // کمالی ends in a long i
		{"slama", "salimi", false}, // سلامة has a long a after l
		{"ahmd", "ahmad", true},
		{"abrahim", "ibrahim", true},  // ابراهيم: the initial alif carries a short i
		{"azt", "izzat", true},        // عزت
		{"ahmd", "ahmadinejad", true}, // consonants differ in number: no evidence
	} {
		if got := LongVowelsAgree(tt.native, tt.latin); got != tt.want {
			t.Errorf("LongVowelsAgree(%q, %q) = %v, want %v", tt.native, tt.latin, got, tt.want)
		}
	}
}
