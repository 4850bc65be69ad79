package names

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// hanSyllableList splits hanSyllables once; index i+1 of hanData is
// element i.
var hanSyllableList = sync.OnceValue(func() []string { return strings.Fields(hanSyllables) })

// hanReading returns the toneless pinyin of a Han character, or "" when
// the table has none for it.
func hanReading(r rune) string {
	o := 2 * int(r-0x3400)
	if r < 0x3400 || o+1 >= len(hanData) {
		// Outside the table, or while go generate builds it.
		return ""
	}
	i := digit(hanData[o])*64 + digit(hanData[o+1])
	if i == 0 {
		return ""
	}
	return hanSyllableList()[i-1]
}

// digit is the value of one character of the hanData alphabet.
func digit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	case c == '-':
		return 62
	}
	return 63
}

// isHan reports whether r is a Han character of the blocks the table covers.
func isHan(r rune) bool { return r >= 0x3400 && r <= 0x9FFF }

// hanSurname holds the characters whose reading as a surname is not their
// most common reading (单 is dān as a word, Shàn as a surname), by the
// usual readings of the Hundred Family Surnames, traditional forms too.
var hanSurname = map[rune]string{
	'单': "shan", '單': "shan", '曾': "zeng", '区': "ou", '區': "ou", '朴': "piao", '解': "xie",
	'仇': "qiu", '查': "zha", '盖': "ge", '蓋': "ge", '乐': "yue", '樂': "yue", '覃': "qin",
	'缪': "miao", '繆': "miao", '种': "chong", '種': "chong", '秘': "bi", '翟': "zhai", '召': "shao",
	'员': "yun", '員': "yun", '句': "gou", '都': "du", '阚': "kan", '闞': "kan", '隗': "wei",
	'祭': "zhai", '折': "she", '薄': "bo", '尉': "yu", '长': "chang", '長': "chang",
}

// hanCompoundSurnames are the two-character surnames (欧阳 Ouyang, 司马
// Sima), in simplified and traditional forms; the first two characters of
// a name written without a space are then the surname, not one.
var hanCompoundSurnames = map[string]bool{
	"欧阳": true, "歐陽": true, "司马": true, "司馬": true, "诸葛": true, "諸葛": true, "上官": true,
	"司徒": true, "东方": true, "東方": true, "皇甫": true, "尉迟": true, "尉遲": true, "公孙": true,
	"公孫": true, "慕容": true, "长孙": true, "長孫": true, "宇文": true, "夏侯": true, "令狐": true,
	"澹台": true, "澹臺": true, "轩辕": true, "軒轅": true, "万俟": true, "萬俟": true, "闻人": true,
	"聞人": true, "端木": true, "申屠": true, "呼延": true, "南宫": true, "南宮": true, "西门": true,
	"西門": true, "独孤": true, "獨孤": true, "司空": true, "钟离": true, "鍾離": true, "赫连": true,
	"赫連": true, "拓跋": true, "百里": true, "太史": true,
}

// hanCompoundReading gives the compound surnames whose characters read
// otherwise alone (长孙 is Zhangsun, 万俟 Moqi, 尉迟 Yuchi).
var hanCompoundReading = map[string]string{
	"长孙": "zhangsun", "長孫": "zhangsun", "万俟": "moqi", "萬俟": "moqi", "尉迟": "yuchi", "尉遲": "yuchi",
}

// appendHan appends the pinyin of a run of Han characters. Two or three
// characters, or three or four starting with a compound surname, are a
// personal name as Chinese writes it, surname first and without a space:
// the surname becomes one word and the given name another, its syllables
// joined as passports and lists write them (习近平 -> xi jinping, 欧阳修
// -> ouyang xiu). Any other run is an organisation, a phrase or a foreign
// name written in characters (有限公司, 弗拉基米尔): each syllable is a
// word, since no rule says where its words end. A character without a reading stays an x<code
// point> word, as in Latin.
func appendHan(dst []byte, run []rune, base int) []byte {
	dst = sep(dst, base)
	n := 0
	switch {
	case len(run) == 2 && hanCompoundSurnames[string(run)]:
		// A compound surname alone (欧阳 修): one word.
		n = 2
	case len(run) >= 3 && len(run) <= 4 && hanCompoundSurnames[string(run[:2])]:
		n = 2
	case len(run) >= 2 && len(run) <= 3:
		n = 1
	}
	if n > 0 {
		sur := hanCompoundReading[string(run[:n])]
		if sur == "" {
			for _, r := range run[:n] {
				s := hanSurname[r]
				if s == "" || n == 2 {
					s = hanReading(r)
				}
				if s == "" {
					return appendHanWords(dst, run, base)
				}
				sur += s
			}
		}
		given := make([]byte, 0, 6*len(run))
		for _, r := range run[n:] {
			s := hanReading(r)
			if s == "" {
				return appendHanWords(dst, run, base)
			}
			given = append(given, s...)
		}
		dst = append(dst, sur...)
		dst = append(dst, ' ')
		if len(given) == 0 {
			return dst
		}
		return append(append(dst, given...), ' ')
	}
	return appendHanWords(dst, run, base)
}

// appendHanWords appends each character of run as its own word.
func appendHanWords(dst []byte, run []rune, base int) []byte {
	for _, r := range run {
		dst = sep(dst, base)
		if s := hanReading(r); s != "" {
			dst = append(dst, s...)
		} else {
			dst = append(dst, 'x')
			dst = strconv.AppendInt(dst, int64(r), 10)
		}
		dst = append(dst, ' ')
	}
	return dst
}

// koreanName reports whether s, from byte start on, is a Korean name
// written as one word of two to four Hangul syllables and nothing after
// it but spaces, beginning with a surname; it returns the end of the word
// and the surname's length in syllables (0 when it is not such a name).
// Foreign names written in Hangul (푸틴) do not start with a surname and
// stay one word.
func koreanName(s string, start int) (end, surname int) {
	var syl [4]rune
	n := 0
	end = start
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if r < 0xAC00 || r > 0xD7A3 {
			break
		}
		if n == len(syl) {
			return 0, 0
		}
		syl[n] = r
		n++
		end += size
	}
	if n < 2 || strings.TrimLeft(s[end:], " ") != "" {
		return 0, 0
	}
	switch {
	case n >= 3 && koreanCompoundSurnames[string(syl[:2])]:
		return end, 2
	case koreanSurnames[syl[0]]:
		return end, 1
	}
	return 0, 0
}

// koreanSurnames are the common one-syllable Korean surnames (by the South
// Korean census, which counts them), in Hangul.
var koreanSurnames = func() map[rune]bool {
	m := make(map[rune]bool)
	for _, r := range "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호계진좌리" {
		m[r] = true
	}
	return m
}()

// koreanCompoundSurnames are the two-syllable Korean surnames.
var koreanCompoundSurnames = map[string]bool{
	"남궁": true, "황보": true, "제갈": true, "선우": true, "독고": true, "사공": true, "서문": true, "동방": true,
}

// isJapanese reports, computing it once into *memo, whether the Han
// characters of s are Japanese kanji, which read otherwise than pinyin
// (田中 is Tanaka, not Tian Zhong) and so stay unread. A name is Japanese
// when it has kana, or when it is written as Japanese names are, a surname
// of two or more characters, a space, and the given name (佐藤 翔太);
// Chinese writes a name without a space and its surnames have one
// character, or two for the compound surnames.
func isJapanese(memo *int, s string) bool {
	if *memo < 0 {
		*memo = 0
		if japaneseName(s) {
			*memo = 1
		}
	}
	return *memo == 1
}

func japaneseName(s string) bool {
	for _, r := range s {
		if r >= 0x3040 && r <= 0x30FF {
			return true
		}
	}
	first, rest, ok := strings.Cut(strings.TrimSpace(strings.ReplaceAll(s, "\u3000", " ")), " ")
	if !ok || utf8.RuneCountInString(first) < 2 || hanCompoundSurnames[first] {
		return false
	}
	for _, r := range first {
		if !isHan(r) {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
	return isHan(r)
}

// koreanSurnameLetter spells the surnames that the Revised Romanization
// writes as one letter as they are written in practice: 이 I is Lee, 오 O
// is Oh, 우 U is Woo. A single letter would be read as an initial.
var koreanSurnameLetter = map[rune]string{'이': "lee", '오': "oh", '우': "woo"}
