package batch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// physicalLines splits in into its physical lines, independently of the
// reader: a line ends at LF; the bytes after the last LF are a line when
// there are any.
func physicalLines(in []byte) [][]byte {
	lines := bytes.Split(in, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// blankLine is the definition of a blank line, independently of csvin.IsBlank:
// nothing but spaces, tabs and carriage returns.
func blankLine(l []byte) bool {
	return strings.Trim(string(l), " \t\r") == ""
}

// checkAccounting reads in to the end and checks that every input line is
// accounted for.
//
// Data lines are the physical lines after the header (CSV) or all of them
// (JSON lines), blank lines between rows excepted. Every data line must
// belong to exactly one row, every other line after the header must be
// blank, and so
//
//	rows read + rows rejected + extra lines of multi-line rows = data lines
//
// where a row is read when the reader found nothing wrong with it and
// rejected when it carries the reason; a row is one line unless a quoted
// CSV field spans lines.
//
// It reads in a second time one byte per read, which makes the read buffer
// move under lines handed out earlier, and wants the same rows.
func checkAccounting(t *testing.T, f Format, in []byte) {
	rd, err := newReader(f, bytes.NewReader(in), "in")
	if err != nil {
		return // the header is refused: the whole file is, with the reason
	}
	slow, err := newReader(f, iotest.OneByteReader(bytes.NewReader(in)), "in")
	if err != nil {
		t.Fatalf("header refused only when read byte by byte: %v", err)
	}
	lines := physicalLines(in)
	start := 1
	if c, ok := rd.(*csvReader); ok {
		start = c.headerEnd + 1
	}
	inRows := make([]int, len(lines)+1)
	var read, rejected, extra int
	for {
		r, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading from memory failed: %v", err)
		}
		if r2, err := slow.next(); err != nil || fmt.Sprintf("%d %d %q %v", r.line, r.endLine, r.fields, r.err) != fmt.Sprintf("%d %d %q %v", r2.line, r2.endLine, r2.fields, r2.err) {
			t.Fatalf("row read byte by byte differs: %+v, %v\nwant %+v", r2, err, r)
		}
		if r.line < start || r.endLine < r.line || r.endLine > len(lines) {
			t.Fatalf("row spans lines %d-%d; data lines are %d-%d", r.line, r.endLine, start, len(lines))
		}
		for l := r.line; l <= r.endLine; l++ {
			inRows[l]++
		}
		extra += r.endLine - r.line
		if r.err == nil {
			read++
			continue
		}
		rejected++
		if msg := r.err.Error(); !strings.HasPrefix(msg, "in:") || strings.Contains(msg, "internal error") {
			t.Fatalf("line %d: error %q, want one naming the line, not an internal one", r.line, msg)
		}
	}
	var data, blank int
	for l := start; l <= len(lines); l++ {
		switch inRows[l] {
		case 0:
			if !blankLine(lines[l-1]) {
				t.Fatalf("line %d %q is in no row and is not blank", l, lines[l-1])
			}
			blank++
		case 1:
			data++
		default:
			t.Fatalf("line %d is in %d rows", l, inRows[l])
		}
	}
	if read+rejected+extra != data {
		t.Fatalf("rows read %d + rejected %d + extra lines %d != data lines %d", read, rejected, extra, data)
	}
	if int64(blank) != rd.blank() {
		t.Fatalf("reader counted %d blank lines, there are %d", rd.blank(), blank)
	}
}

func FuzzReadAccounting(f *testing.F) {
	for _, s := range []string{
		"id,name,country\nC1,\"Acme Trading,DE\nC2,Abdollah Mehrabi,IR\nC3,Quds Aviation Industry,IR\n",
		"id,name,country\nC1,\"Acme,DE\nC2,Foo\",IR\nC3,Bar,IR\n",
		"id,name,address\r\nC1,Acme,\"Main St 1\r\n\r\n10115 Berlin\"\r\nC2,Acme \"Best\" Trading,x",
		"\n\nname,dob\n\n  \nA B,1970\n\"x\"\"y\",\"\"\n\"a\"b,c\"\nid,NAME\n",
		"name\n\xff\n\"\n\"\n",
		"\"na\nme\",x\nA,\"B\n",
	} {
		f.Add([]byte(s), false)
	}
	for _, s := range []string{
		"{\"name\":\"Ali Reza Karimi\"}\n\n  \r\n[1]\n{\"name\":\"x\"\r\n\xff",
		"{\"id\":7,\"name\":\"JANAN AGHA\",\"ids\":\"a;b\"}\nnull",
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, in []byte, jsonl bool) {
		format := CSV
		if jsonl {
			format = JSONL
		}
		checkAccounting(t, format, in)
	})
}
