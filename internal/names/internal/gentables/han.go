package gentables

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Han readings cover the CJK Unified Ideographs block and Extension A,
// where nearly every character of a personal or company name is.
const (
	hanFirst = 0x3400
	hanLast  = 0x9FFF
)

// hanDigits encodes a syllable number as two characters of a raw string
// literal; "00" is a character without a reading.
const hanDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

// hanTable reads data/han_pinyin.txt and returns the toneless syllables in
// use (sorted) and, for every code point from hanFirst to hanLast, two
// characters numbering its first (most common) reading among them, from 1.
func hanTable(dir string) (syllables []string, data string, err error) {
	const name = "han_pinyin.txt"
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	reading := make(map[rune]string)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		cp, readings, ok := strings.Cut(line, "\t")
		if !ok || !strings.HasPrefix(cp, "U+") {
			return nil, "", fmt.Errorf("%s:%d: want U+XXXX, a tab and readings, got %q", name, n, line)
		}
		v, err := strconv.ParseUint(cp[2:], 16, 32)
		if err != nil {
			return nil, "", fmt.Errorf("%s:%d: code point %q: %v", name, n, cp, err)
		}
		first, _, _ := strings.Cut(readings, ",")
		syl := toneless(first)
		if syl == "" {
			return nil, "", fmt.Errorf("%s:%d: reading %q is not a Latin syllable", name, n, first)
		}
		reading[rune(v)] = syl
	}
	if err := sc.Err(); err != nil {
		return nil, "", fmt.Errorf("read %s: %w", name, err)
	}
	set := make(map[string]bool)
	for r, s := range reading {
		if r >= hanFirst && r <= hanLast {
			set[s] = true
		}
	}
	for s := range set {
		syllables = append(syllables, s)
	}
	slices.Sort(syllables)
	if len(syllables)+1 > len(hanDigits)*len(hanDigits) {
		return nil, "", fmt.Errorf("%s: %d syllables do not fit two digits", name, len(syllables))
	}
	var b bytes.Buffer
	for r := rune(hanFirst); r <= hanLast; r++ {
		i := 0
		if s, ok := reading[r]; ok {
			i, _ = slices.BinarySearch(syllables, s)
			i++
		}
		b.WriteByte(hanDigits[i/len(hanDigits)])
		b.WriteByte(hanDigits[i%len(hanDigits)])
	}
	return syllables, b.String(), nil
}

// toneless returns a pinyin reading without tone marks or the umlaut of ü
// (lǘ -> lu), as passports and lists write it; "" if it holds anything but
// Latin letters.
func toneless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		default:
			return ""
		}
	}
	return b.String()
}
