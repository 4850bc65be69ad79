package scan

import (
	"html"
	"strings"
)

// plainText is the text the scanner reads, with a map back to the input:
// for HTML the tags are gone and the character references decoded, and
// every byte of the plain text knows the input bytes it came from, so that
// a mention's offsets point into what the caller sent.
type plainText struct {
	s string
	// from[i] and to[i] are the input offsets of plain byte i's source
	// (equal spans for every byte of one decoded reference). Both are nil
	// for plain-text input, whose offsets are the input's.
	from, to []int32
}

// inputSpan maps the plain span [start, end) to input offsets.
func (p *plainText) inputSpan(start, end int) (int, int) {
	if p.from == nil {
		return start, end
	}
	return int(p.from[start]), int(p.to[end-1])
}

// blockTags break words and names apart: text in two cells or two
// paragraphs is never one name.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true,
	"article": true, "header": true, "footer": true, "blockquote": true, "pre": true, "hr": true, "dt": true,
	"dd": true, "title": true, "option": true, "nav": true, "aside": true, "figure": true, "figcaption": true,
}

// fromHTML strips tags, comments and the contents of script and style
// elements, and decodes character references. A block-level tag becomes a
// blank line (a hard break between names); an inline tag becomes nothing,
// so that "Qods <b>Aviation</b>" stays one name. Malformed markup is read
// leniently, as browsers do: an unterminated tag or comment runs to the
// end of the input and is dropped.
func fromHTML(in string) plainText {
	var b strings.Builder
	b.Grow(len(in))
	from := make([]int32, 0, len(in))
	to := make([]int32, 0, len(in))
	emit := func(s string, start, end int) {
		b.WriteString(s)
		for range len(s) {
			from = append(from, int32(start))
			to = append(to, int32(end))
		}
	}
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '<' && strings.HasPrefix(in[i:], "<!--"):
			j := strings.Index(in[i+4:], "-->")
			if j < 0 {
				i = len(in)
			} else {
				i += 4 + j + 3
			}
		case c == '<' && i+1 < len(in) && (isASCIILetter(in[i+1]) || in[i+1] == '/' || in[i+1] == '!' || in[i+1] == '?'):
			j := strings.IndexByte(in[i:], '>')
			if j < 0 {
				j = len(in) - i - 1
			}
			name := tagName(in[i+1 : i+j])
			end := i + j + 1
			if (name == "script" || name == "style") && in[i+1] != '/' {
				// Their contents are code, not text, up to the closing tag.
				if k := indexFold(in[end:], "</"+name); k >= 0 {
					end += k
					if m := strings.IndexByte(in[end:], '>'); m >= 0 {
						end += m + 1
					} else {
						end = len(in)
					}
				} else {
					end = len(in)
				}
			}
			if blockTags[name] {
				emit("\n\n", i, end)
			}
			i = end
		case c == '&':
			j := strings.IndexByte(in[i:min(len(in), i+40)], ';')
			if j > 1 {
				ref := in[i : i+j+1]
				if dec := html.UnescapeString(ref); dec != ref {
					emit(dec, i, i+j+1)
					i += j + 1
					continue
				}
			}
			emit("&", i, i+1)
			i++
		default:
			// Copy up to the next markup character in one piece.
			j := i + 1
			for j < len(in) && in[j] != '<' && in[j] != '&' {
				j++
			}
			b.WriteString(in[i:j])
			for k := i; k < j; k++ {
				from = append(from, int32(k))
				to = append(to, int32(k+1))
			}
			i = j
		}
	}
	// A mention never ends inside a multi-byte character, so to[] of its
	// last byte is on a boundary; the same holds for decoded references,
	// whose bytes all map to the whole reference.
	return plainText{s: b.String(), from: from, to: to}
}

// tagName returns the lower-case element name of a tag's inside ("b",
// "/p class=x" -> "p").
func tagName(s string) string {
	s = strings.TrimPrefix(s, "/")
	j := 0
	for j < len(s) && (isASCIILetter(s[j]) || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	return strings.ToLower(s[:j])
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}
