package parties_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/parties"
)

// FuzzRead feeds arbitrary bytes to both readers: they must never panic,
// every row must be either a counterparty or an error with a line, and
// a file ends in io.EOF or one error.
func FuzzRead(f *testing.F) {
	f.Add([]byte(goodAndBad), true)
	f.Add([]byte("id,name\nA,\"open\nB,x\n"), true)
	f.Add([]byte(`{"id":"V1","name":"X","ids":["IMO:1"],"identifiers":[{"type":"a","value":"b"}]}`+"\n{"), false)
	f.Fuzz(func(t *testing.T, data []byte, csv bool) {
		format := "jsonl"
		if csv {
			format = "csv"
		}
		r, err := parties.NewReader(format, bytes.NewReader(data), "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("header error %q does not name the file", err)
			}
			return
		}
		for range 10000 {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				return
			}
			if row.Line < 1 {
				t.Fatalf("row without a line: %+v", row)
			}
			if row.Err == nil {
				row.Party.Normalize()
			}
		}
	})
}
