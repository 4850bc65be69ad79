package messages

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// MaxMTBytes bounds one MT file; a FIN message is at most 10,000
// characters, so this holds a batch of thousands.
const MaxMTBytes = 64 << 20

// mtField is one field of block 4.
type mtField struct {
	tag   string   // "50K"
	lines []string // the value's lines, without line ends
	loc   Location
	// msgLine is the line of the tag within the message.
	msgLine int
}

func (f *mtField) text() string { return strings.Join(f.lines, "\n") }

// mtMessage is one FIN message split into its blocks.
type mtMessage struct {
	file     string
	li       lineIndex
	data     []byte
	start    int // offset of "{1:"
	basic    string
	app      string
	user     map[string]string
	fields   []*mtField
	mt       string // "103"
	input    bool
	sender   string // BIC11 of the sender
	receiver string
	errs     Errors
}

func (m *mtMessage) line(off int) int { l, _ := m.li.pos(off); return l }

func (m *mtMessage) msgLine(off int) int { return m.line(off) - m.line(m.start) + 1 }

// errAt records an error at offset off for field (a tag like ":32A:" or a
// block like "block 2").
func (m *mtMessage) errAt(off int, field, format string, args ...any) {
	l, c := m.li.pos(off)
	m.errs = append(m.errs, &Error{File: m.file, Line: l, Column: c, Field: field, MsgLine: m.msgLine(off), Msg: fmt.Sprintf(format, args...)})
}

// errField records an error about a parsed field.
func (m *mtMessage) errField(f *mtField, format string, args ...any) {
	m.errs = append(m.errs, &Error{File: m.file, Line: f.loc.Line, Field: ":" + f.tag + ":", MsgLine: f.msgLine, Msg: fmt.Sprintf(format, args...)})
}

// ParseMT reads every SWIFT FIN message in data (one message, or several
// one after the other, optionally separated by "$" as in RJE files). It
// returns the documents of the messages that parsed and every error of the
// others; a message with any error yields no document.
func ParseMT(data []byte, file string) ([]*Document, Errors) {
	if len(data) > MaxMTBytes {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("file larger than %d bytes", MaxMTBytes)}}
	}
	li := newLineIndex(data)
	var docs []*Document
	var errs Errors
	i := 0
	for {
		for i < len(data) && (isSpace(data[i]) || data[i] == '$' || data[i] == 0x01 || data[i] == 0x03) {
			i++
		}
		if i >= len(data) {
			break
		}
		m := &mtMessage{file: file, li: li, data: data, start: i, user: map[string]string{}}
		next := m.blocks(i)
		if len(m.errs) == 0 {
			m.header()
		}
		var doc *Document
		if len(m.errs) == 0 {
			doc = m.document()
		}
		if len(m.errs) > 0 {
			errs = append(errs, m.errs...)
		} else {
			docs = append(docs, doc)
		}
		if next <= i {
			break
		}
		i = next
	}
	if len(docs) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{File: file, Msg: "no SWIFT message found"})
	}
	return docs, errs
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// blocks splits the message starting at off into its blocks, checking their
// order and form, and returns the offset after it. On a structure error it
// returns the offset of the next "{1:" so the following messages are still
// read.
func (m *mtMessage) blocks(off int) int {
	data := m.data
	resync := func(from int) int {
		if j := bytes.Index(data[min(from, len(data)):], []byte("{1:")); j >= 0 {
			return from + j
		}
		return len(data)
	}
	want := 1
	seen4 := false
	i := off
	for i < len(data) {
		if want > 1 && isSpace(data[i]) {
			// Line breaks between blocks (some exports put {5: on its own
			// line) are tolerated; a new {1: ends this message.
			j := i
			for j < len(data) && isSpace(data[j]) {
				j++
			}
			if j+2 < len(data) && data[j] == '{' && data[j+1] != '1' {
				i = j
			} else {
				break
			}
		}
		if data[i] != '{' {
			if want > 4 { // end of this message
				break
			}
			m.errAt(i, "", "want a block opening \"{\", got %q", snippet(data[i:]))
			return resync(i + 1)
		}
		colon := bytes.IndexByte(data[i:min(len(data), i+5)], ':')
		if colon < 0 {
			m.errAt(i, "", "block without an identifier (want {1:, {2:, {3:, {4: or {5:)")
			return resync(i + 1)
		}
		id := string(data[i+1 : i+colon])
		n := 0
		switch id {
		case "1", "2", "3", "4", "5":
			n = int(id[0] - '0')
		case "S":
			n = 6
		default:
			m.errAt(i, "block "+id, "unknown block {%s:", id)
			return resync(i + 1)
		}
		if n == 1 && want > 1 {
			break // the next message starts here
		}
		if n < want || (n > 2 && want <= 2) {
			if want <= 2 {
				m.errAt(i, "block "+id, "block %s before block %d (blocks 1 and 2 are required, in order)", id, want)
			} else {
				m.errAt(i, "block "+id, "block %s out of order or repeated (want 1, 2, 3, 4, 5 in order)", id)
			}
			return resync(i + 1)
		}
		body := i + colon + 1
		var end int
		if n == 4 {
			end = m.block4(body)
			if end < 0 {
				return resync(body)
			}
			seen4 = true
		} else {
			end = m.simpleBlock(body, id, n == 3 || n >= 5)
			if end < 0 {
				return resync(body)
			}
		}
		want = n + 1
		i = end
	}
	if !seen4 && len(m.errs) == 0 {
		if want <= 2 {
			m.errAt(max(off, min(i, len(data)-1)), "block "+strconv.Itoa(want), "block %d is missing", want)
		} else {
			m.errAt(max(off, min(i, len(data)-1)), "block 4", "block 4 (the text block) is missing")
		}
	}
	return i
}

// simpleBlock reads a header or trailer block from body to its closing
// brace. Blocks 3, 5 and S hold sub-blocks {tag:value}.
func (m *mtMessage) simpleBlock(body int, id string, nested bool) int {
	data := m.data
	if !nested {
		j := bytes.IndexByte(data[body:], '}')
		if j < 0 {
			m.errAt(body, "block "+id, "block {%s: is not closed", id)
			return -1
		}
		if k := bytes.IndexAny(data[body:body+j], "{\r\n"); k >= 0 {
			m.errAt(body+k, "block "+id, "block {%s: is not closed before %q", id, data[body+k])
			return -1
		}
		v := string(data[body : body+j])
		if id == "1" {
			m.basic = v
		} else {
			m.app = v
		}
		return body + j + 1
	}
	i := body
	for {
		if i >= len(data) {
			m.errAt(body, "block "+id, "block {%s: is not closed", id)
			return -1
		}
		switch data[i] {
		case '}':
			return i + 1
		case '{':
			j := bytes.IndexByte(data[i:], '}')
			if j < 0 {
				m.errAt(i, "block "+id, "sub-block is not closed")
				return -1
			}
			sub := string(data[i+1 : i+j])
			tag, val, ok := strings.Cut(sub, ":")
			if !ok || tag == "" || strings.ContainsAny(sub, "{") {
				m.errAt(i, "block "+id, "malformed sub-block %q (want {tag:value})", sub)
				return -1
			}
			if id == "3" {
				m.user[tag] = val
			}
			i += j + 1
		default:
			m.errAt(i, "block "+id, "unexpected %q in block {%s: (want sub-blocks {tag:value})", data[i], id)
			return -1
		}
	}
}

// block4 reads the text block: a line break, fields ":TAG:value" each on
// its own lines, and the closing "-}".
func (m *mtMessage) block4(body int) int {
	data := m.data
	end := -1
	for j := body; j+1 < len(data); j++ {
		if data[j] == '-' && data[j+1] == '}' && (j == body || data[j-1] == '\n') {
			end = j
			break
		}
		if data[j] == '{' || data[j] == '}' {
			m.errAt(j, "block 4", "%q inside the text block, or the block is not closed with a line \"-}\"", data[j])
			return -1
		}
	}
	if end < 0 {
		m.errAt(body, "block 4", "the text block is not closed with a line \"-}\"")
		return -1
	}
	i := body
	if i < end && data[i] == '\r' {
		i++
	}
	if i >= end || data[i] != '\n' {
		m.errAt(body, "block 4", "the text block must start with a line break after {4:")
		return -1
	}
	i++
	var cur *mtField
	for i < end {
		eol := bytes.IndexByte(data[i:end], '\n')
		lineEnd := end
		next := end
		if eol >= 0 {
			lineEnd, next = i+eol, i+eol+1
		}
		text := data[i:lineEnd]
		text = bytes.TrimSuffix(text, []byte("\r"))
		if tag, vstart, ok := fieldStart(text); ok {
			l, _ := m.li.pos(i)
			cur = &mtField{tag: tag, lines: []string{string(text[vstart:])}, msgLine: m.msgLine(i),
				loc: Location{Field: ":" + tag + ":", Line: l, Start: i + vstart, End: i + len(text)}}
			m.fields = append(m.fields, cur)
		} else {
			if cur == nil {
				m.errAt(i, "block 4", "text before the first field (want a line starting with :TAG:)")
				return -1
			}
			cur.lines = append(cur.lines, string(text))
			cur.loc.End = i + len(text)
		}
		i = next
	}
	if len(m.fields) == 0 {
		m.errAt(body, "block 4", "the text block has no fields")
		return -1
	}
	return end + 2
}

// fieldStart recognises ":NN:" or ":NNa:" at the start of a line.
func fieldStart(line []byte) (tag string, vstart int, ok bool) {
	if len(line) < 4 || line[0] != ':' || !isDigit(line[1]) || !isDigit(line[2]) {
		return "", 0, false
	}
	if line[3] == ':' {
		return string(line[1:3]), 4, true
	}
	if len(line) >= 5 && line[3] >= 'A' && line[3] <= 'Z' && line[4] == ':' {
		return string(line[1:4]), 5, true
	}
	return "", 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func snippet(b []byte) string {
	if len(b) > 20 {
		b = b[:20]
	}
	return string(b)
}

// header checks blocks 1 and 2 and reads the message type, sender and
// receiver.
func (m *mtMessage) header() {
	b1 := m.basic
	at := m.start
	if len(b1) != 25 || (b1[0] != 'F' && b1[0] != 'A' && b1[0] != 'L') {
		m.errAt(at, "block 1", "basic header %q: want 25 characters, F01 + 12-character LT address + session (4) + sequence (6)", b1)
		return
	}
	lt1, ok := ltBIC(b1[3:15])
	if !ok {
		m.errAt(at, "block 1", "LT address %q is not a BIC plus terminal code", b1[3:15])
		return
	}
	b2 := m.app
	if len(b2) < 4 || (b2[0] != 'I' && b2[0] != 'O') || !isDigit(b2[1]) || !isDigit(b2[2]) || !isDigit(b2[3]) {
		m.errAt(at, "block 2", "application header %q: want I or O and a three-digit message type", b2)
		return
	}
	m.mt = b2[1:4]
	if b2[0] == 'I' {
		m.input = true
		if len(b2) < 16 || len(b2) > 21 {
			m.errAt(at, "block 2", "input application header %q: want I + type + 12-character receiver address [+ priority]", b2)
			return
		}
		lt2, ok := ltBIC(b2[4:16])
		if !ok {
			m.errAt(at, "block 2", "receiver address %q is not a BIC plus terminal code", b2[4:16])
			return
		}
		m.sender, m.receiver = lt1, lt2
		return
	}
	if len(b2) < 46 || len(b2) > 47 {
		m.errAt(at, "block 2", "output application header %q: want O + type + time + 28-character MIR + date + time [+ priority]", b2)
		return
	}
	lt2, ok := ltBIC(b2[14:26])
	if !ok {
		m.errAt(at, "block 2", "sender address %q in the MIR is not a BIC plus terminal code", b2[14:26])
		return
	}
	m.sender, m.receiver = lt2, lt1
}

// ltBIC turns a 12-character LT address (BIC8 + terminal + branch) into a
// BIC11.
func ltBIC(lt string) (string, bool) {
	if len(lt) != 12 {
		return "", false
	}
	bic := lt[:8] + lt[9:]
	return bic, validBIC(bic)
}

// field returns the first field with one of the tags, or nil.
func (m *mtMessage) field(fs []*mtField, tags ...string) *mtField {
	for _, f := range fs {
		for _, t := range tags {
			if f.tag == t {
				return f
			}
		}
	}
	return nil
}
