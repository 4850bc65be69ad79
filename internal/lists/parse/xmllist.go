package parse

import (
	"bytes"
	"encoding/xml"
)

// NextStart returns the next start element and the byte offset where its
// token began, skipping every other token; at the end of input it returns
// io.EOF. The offset lets a parser keep a record's raw XML. Non-blank text
// outside the root element is refused with ErrFormat, since it means the
// file is not an XML list at all (a CSV given to the XML parser, say);
// root names the element the message says the text should be inside.
func (x *XMLReader) NextStart(root string) (start xml.StartElement, off int64, err error) {
	for {
		off = x.Offset()
		tok, err := x.Token()
		if err != nil {
			return xml.StartElement{}, off, err
		}
		if cd, ok := tok.(xml.CharData); ok && x.Depth() == 0 && len(bytes.TrimSpace(cd)) > 0 {
			return xml.StartElement{}, off, x.Errorf("", "%w: text outside the %s element; not an XML list", ErrFormat, root)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start, off, nil
		}
	}
}

// CheckRoot refuses a root element other than want with ErrFormat, naming
// the format the parser expected (such as "EU FSF XML"), so a list given
// to the wrong parser says which one it is not.
func (x *XMLReader) CheckRoot(start xml.StartElement, want, format string) error {
	if start.Name.Local != want {
		return x.Errorf(start.Name.Local, "%w: root element is %s, want %s (%s)", ErrFormat, start.Name.Local, want, format)
	}
	return nil
}
