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
