package csvout_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/csvout"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Acme Trading", "Acme Trading"},
		{"=1+1", "'=1+1"},
		{"+49 30 1234", "'+49 30 1234"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'t Hooft", "''t Hooft"},
		{"＝1+1", "'＝1+1"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"0.7500", "0.7500"},
	}
	for _, tt := range tests {
		got := csvout.Cell(tt.in)
		if got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := csvout.Unescape(got); back != tt.in {
			t.Errorf("Unescape(Cell(%q)) = %q", tt.in, back)
		}
	}
}

func TestWriterOneHeader(t *testing.T) {
	var b bytes.Buffer
	w := csvout.NewWriter(&b)
	if err := w.WriteHeader([]string{"name", "=x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"-1", "a"}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteHeader([]string{"name", "=x"}); !errors.Is(err, csvout.ErrHeaderTwice) {
		t.Errorf("second header: err %v, want ErrHeaderTwice", err)
	}
	if err := csvout.Continue(&b).WriteHeader([]string{"name"}); !errors.Is(err, csvout.ErrHeaderTwice) {
		t.Errorf("header on a continued file: err %v, want ErrHeaderTwice", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][1] != "'=x" || recs[1][0] != "'-1" {
		t.Errorf("output %q (err %v), want the header and one escaped row", recs, err)
	}
}

type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestWriterReportsWriteError(t *testing.T) {
	w := csvout.NewWriter(fullDisk{})
	_ = w.Write([]string{"a"})
	if err := w.Flush(); err == nil {
		t.Error("Flush to a full disk returned nil")
	}
}
