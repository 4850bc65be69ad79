package ofac_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
)

// TestParseAdvancedFullSize streams a synthetic SDN_ADVANCED.XML of the
// real file's size (about 122 MB: the excerpt's parties repeated under new
// FixedRefs) through ParseAdvanced, to show that memory follows the
// entities, not the file. It is slow, so it runs only when
// CHOKEPOINT_LARGE=1; run it under /usr/bin/time -v to see the peak RSS.
func TestParseAdvancedFullSize(t *testing.T) {
	if os.Getenv("CHOKEPOINT_LARGE") != "1" {
		t.Skip("skipping: set CHOKEPOINT_LARGE=1 to parse a synthetic 122 MB SDN_ADVANCED.XML")
	}
	src := string(snippet(t, "advanced.xml"))
	partiesStart := strings.Index(src, "<DistinctParties>") + len("<DistinctParties>")
	partiesEnd := strings.Index(src, "</DistinctParties>")
	head, parties, tail := src[:partiesStart], src[partiesStart:partiesEnd], src[partiesEnd:]
	const target = 122 << 20
	copies := (target - len(head) - len(tail)) / len(parties)

	r := &repeatReader{head: head, tail: tail, body: parties, copies: copies}
	start := time.Now()
	ds, err := ofac.ParseAdvanced(r, "SDN_ADVANCED.XML", "us_ofac_sdn")
	if err != nil {
		t.Fatalf("ParseAdvanced: %v", err)
	}
	elapsed := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d MB in %v: %d entities, live heap after GC %d MB, total allocated %d MB, Sys %d MB",
		r.n>>20, elapsed, len(ds.Entities), ms.HeapAlloc>>20, ms.TotalAlloc>>20, ms.Sys>>20)
	if want := 4 * (copies + 1); len(ds.Entities) != want {
		t.Errorf("entities = %d, want %d", len(ds.Entities), want)
	}
}

// repeatReader yields head, then body copies times with each FixedRef
// and profile id renumbered, then tail, without holding the whole text.
type repeatReader struct {
	head, tail, body string
	copies, i        int
	buf              bytes.Buffer
	stage            int
	n                int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for r.buf.Len() == 0 {
		switch {
		case r.stage == 0:
			r.buf.WriteString(r.head)
			r.buf.WriteString(r.body)
			r.stage = 1
		case r.i < r.copies:
			r.i++
			off := 1000000 * r.i
			b := r.body
			for _, id := range []string{"36", "2677", "4238", "15432"} {
				b = strings.ReplaceAll(b, `FixedRef="`+id+`"`, fmt.Sprintf(`FixedRef="%d"`, off+atoi(id)))
				b = strings.ReplaceAll(b, `Profile ID="`+id+`"`, fmt.Sprintf(`Profile ID="%d"`, off+atoi(id)))
			}
			r.buf.WriteString(b)
		case r.stage == 1:
			r.buf.WriteString(r.tail)
			r.stage = 2
		default:
			return 0, io.EOF
		}
	}
	n, _ := r.buf.Read(p)
	r.n += int64(n)
	return n, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
