package messages

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Detect names the format of data from its content: "{1:" opens a SWIFT
// message, "<" an XML message, "{" a JSON trade document. It returns ""
// when none fits.
func Detect(data []byte) string {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff$\x01")
	t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasPrefix(t, []byte("{1:")):
		return FormatMT
	case bytes.HasPrefix(t, []byte("<")):
		return FormatISO20022
	case bytes.HasPrefix(t, []byte("{")):
		if bytes.Contains(t[:min(len(t), 4096)], []byte(`"bill_of_lading"`)) {
			return FormatBL
		}
		return FormatInvoice
	}
	return ""
}

// Parse reads every document in data as format ("" to detect it). It
// returns the documents that parsed and the errors of those that did not;
// no document is returned for a message with an error.
func Parse(data []byte, file, format string) ([]*Document, Errors) {
	if !utf8.Valid(data) && format != FormatMT {
		return nil, Errors{{File: file, Msg: "not valid UTF-8"}}
	}
	// A byte order mark (Windows editors write one) becomes spaces, which
	// every format skips, so offsets still count from the file's start.
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		data = append([]byte("   "), data[3:]...)
	}
	detected := format == ""
	if detected {
		format = Detect(data)
	}
	switch format {
	case FormatMT:
		return ParseMT(data, file)
	case FormatISO20022:
		return ParseISO20022(data, file)
	case FormatBL, FormatInvoice:
		if detected {
			return ParseTrade(data, file, "")
		}
		return ParseTrade(data, file, format)
	case "":
		return nil, Errors{{File: file, Line: 1, Msg: "unknown format: not a SWIFT MT message ({1:...), an ISO 20022 XML message or a JSON bill of lading or invoice; give --format"}}
	}
	return nil, Errors{{File: file, Msg: fmt.Sprintf("unknown format %q (want mt, iso20022, bl or invoice)", format)}}
}

// DetectFile names the format of a file from its content and its name: a
// SWIFT message is one whatever its name (banks export them as .txt);
// otherwise .html and .htm files are HTML and .txt files text; content
// starting with "<" is HTML when it declares itself so, else ISO 20022; a
// file that is none of the structured formats is text.
func DetectFile(data []byte, name string) string {
	d := Detect(data)
	if d == FormatMT {
		return d
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return FormatHTML
	case ".txt", ".text":
		return FormatText
	}
	if d == FormatISO20022 && looksHTML(data) {
		return FormatHTML
	}
	if d == "" {
		return FormatText
	}
	return d
}

// looksHTML reports whether markup declares itself HTML in its first
// kilobytes; ISO 20022 messages open with <?xml or <Document.
func looksHTML(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 4096)])
	for _, tag := range []string{"<!doctype html", "<html", "<body", "<head", "<p>", "<div", "<table"} {
		if bytes.Contains(head, []byte(tag)) {
			return true
		}
	}
	return false
}
