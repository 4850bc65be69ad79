package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestBarDrawsOnlyWhenAsked(t *testing.T) {
	var quiet bytes.Buffer
	b := New(&quiet, 100, "rows", false)
	b.Update(10, 50)
	if quiet.Len() != 0 {
		t.Errorf("a bar on a non-terminal wrote %q", quiet.String())
	}

	var forced bytes.Buffer
	b = New(&forced, 100, "rows", true)
	b.start = time.Now().Add(-time.Second)
	b.Update(10, 50)
	got := forced.String()
	for _, want := range []string{"10 rows", "rows/s", "50%", "ETA"} {
		if !strings.Contains(got, want) {
			t.Errorf("bar %q lacks %q", got, want)
		}
	}
	w := b.Clear()
	if w != &forced || !strings.HasSuffix(forced.String(), "\r\033[K") {
		t.Errorf("Clear did not erase the line: %q", forced.String())
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}
