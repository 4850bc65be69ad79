package review

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Change is one field that differs between what a decision was made on
// and what is there now.
type Change struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// Diff compares two JSON objects field by field (nested objects by their
// own fields, lists as a whole) and returns the fields that differ, named
// prefix.field.sub, in name order. A value that is not an object is
// compared whole.
func Diff(prefix string, before, after []byte) []Change {
	var out []Change
	diffValue(prefix, before, after, &out)
	slices.SortFunc(out, func(a, b Change) int {
		switch {
		case a.Field < b.Field:
			return -1
		case a.Field > b.Field:
			return 1
		}
		return 0
	})
	return out
}

func diffValue(field string, before, after []byte, out *[]Change) {
	var b, a map[string]json.RawMessage
	errB, errA := json.Unmarshal(before, &b), json.Unmarshal(after, &a)
	if errB != nil || errA != nil || b == nil || a == nil {
		if !jsonEqual(before, after) {
			*out = append(*out, Change{Field: field, Before: nonNull(before), After: nonNull(after)})
		}
		return
	}
	for k, bv := range b {
		diffValue(field+"."+k, bv, a[k], out)
	}
	for k, av := range a {
		if _, ok := b[k]; !ok {
			diffValue(field+"."+k, nil, av, out)
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

func nonNull(v []byte) json.RawMessage {
	if len(bytes.TrimSpace(v)) == 0 || string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	return json.RawMessage(v)
}
