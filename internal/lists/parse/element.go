package parse

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// Element is one XML element read whole, for record-sized parts of a list
// (a UN INDIVIDUAL, an EU sanctionEntity) that are easier to map from a
// small tree than from a token stream.
type Element struct {
	Name     string
	Attrs    []xml.Attr
	Text     string // trimmed character data directly inside the element
	Children []*Element
	Line     int // line of the start tag, for errors
}

// ReadElement reads the rest of the element whose start tag was just
// returned by Token, and returns it as a tree. The reader's depth and size
// guards apply to every token inside.
func (x *XMLReader) ReadElement(start xml.StartElement) (*Element, error) {
	line, _ := x.dec.InputPos()
	el := &Element{Name: start.Name.Local, Attrs: start.Attr, Line: line}
	var text strings.Builder
	for {
		tok, err := x.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child, err := x.ReadElement(t)
			if err != nil {
				return nil, err
			}
			el.Children = append(el.Children, child)
		case xml.CharData:
			if text.Len()+len(t) > MaxFieldSize {
				return nil, x.wrap(el.Name, fmt.Errorf("text %w: over %d bytes", ErrTooLarge, MaxFieldSize))
			}
			text.Write(t)
		case xml.EndElement:
			el.Text = strings.TrimSpace(text.String())
			return el, nil
		}
	}
}

// Attr returns the value of the attribute named local, ignoring namespaces.
func (e *Element) Attr(local string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == local {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// Child returns the first child named local, or nil.
func (e *Element) Child(local string) *Element {
	for _, c := range e.Children {
		if c.Name == local {
			return c
		}
	}
	return nil
}

// All returns the children named local.
func (e *Element) All(local string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Name == local {
			out = append(out, c)
		}
	}
	return out
}

// ChildText returns the trimmed text of the first child named local, or "".
func (e *Element) ChildText(local string) string {
	if c := e.Child(local); c != nil {
		return c.Text
	}
	return ""
}

// Path follows a chain of child names and returns every element at its
// end, such as e.Path("Names", "Name").
func (e *Element) Path(names ...string) []*Element {
	cur := []*Element{e}
	for _, n := range names {
		var next []*Element
		for _, c := range cur {
			next = append(next, c.All(n)...)
		}
		cur = next
	}
	return cur
}
