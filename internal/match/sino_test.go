package match_test

import (
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// TestCompareChineseNames checks Chinese names across Han script, pinyin
// and Wade-Giles (issue 10), with public figures' names: written forms of
// one name match, names that differ in a syllable do not, and a Western
// name does not match a Chinese one on a shared consonant skeleton.
func TestCompareChineseNames(t *testing.T) {
	e := testEngine()
	tests := []struct {
		a, b string
		want bool
	}{
		{"习近平", "Xi Jinping", true},
		{"習近平", "XI, Jinping", true},
		{"Hsi Chin-p'ing", "Xi Jinping", true},
		{"Mao Tse-tung", "Mao Zedong", true},
		{"毛泽东", "Mao Tse-tung", true},
		{"Chang Chun-hsiung", "Zhang Junxiong", true},
		{"Jinping Xi", "XI Jinping", true},
		// One syllable differs: another person.
		{"Liu Qiang", "LIU, Cuiying", false},
		{"Wu Yang", "WU, Yonghao", false},
		{"Sun Wenjing", "SUN, Wenqing", false},
		// A Western name against a Chinese one (Janke / Zhang share a
		// consonant skeleton, nothing else).
		{"Liah Janke", "ZHANG, Lei", false},
		// Western names that happen to parse as Wade-Giles syllables keep
		// their letter-based comparison.
		{"Jansen Huang", "Jensen Huang", true},
	}
	for _, tt := range tests {
		c := e.Compare(tt.a, tt.b, entity.Person, 0)
		if c.Match != tt.want {
			t.Errorf("Compare(%q, %q) = %.3f match=%v, want %v: %s", tt.a, tt.b, c.Score, c.Match, tt.want, c.Explanation)
		}
	}
}

// TestCompareKoreanNames checks Korean names across Hangul, the Revised
// Romanization, McCune-Reischauer (as UN and OFAC list North Korean
// names) and customary surname spellings (issue 10).
func TestCompareKoreanNames(t *testing.T) {
	e := testEngine()
	tests := []struct {
		a, b string
		want bool
	}{
		{"김정은", "Kim Jong Un", true},
		{"김정은", "KIM JONG-UN", true},
		{"Kim Jong-un", "Kimjongun", true},
		{"Gim Jeongeun", "KIM Jong Un", true},
		{"김여정", "Kim Yo Jong", true},
		{"최룡해", "CHOE Ryong Hae", true},
		{"이재명", "Lee Jae-myung", true}, // 이 is Lee, not the initial I
		{"오세훈", "Oh Se-hoon", true},    // 오 is Oh
		{"박근혜", "Park Geun-hye", true},
		// A typo stays a typo (Hwag for Hwang spells another syllable).
		{"HWAG SOK-HWA", "HWANG SOK-HWA", true},
		// One syllable differs: another person.
		{"Kim Seunghun", "KIM, Song Hun", false},
		{"도상우", "SOE, Aung", false},
	}
	for _, tt := range tests {
		c := e.Compare(tt.a, tt.b, entity.Person, 0)
		if c.Match != tt.want {
			t.Errorf("Compare(%q, %q) = %.3f match=%v, want %v: %s", tt.a, tt.b, c.Score, c.Match, tt.want, c.Explanation)
		}
	}
}
