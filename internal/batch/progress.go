package batch

import (
	"fmt"
	"io"
	"os"
	"time"
)

// refresh is the shortest time between two draws of the progress bar:
// more often only costs terminal output nobody can read.
const refresh = 200 * time.Millisecond

// progress writes the progress bar, the bad rows and the summary. Only the
// writing goroutine calls it, so it needs no lock.
type progress struct {
	w     io.Writer
	bar   bool
	in    *countingReader
	size  int64
	start time.Time
	last  time.Time
	shown bool // a bar line is on screen and must be cleared first
}

func newProgress(o Options, in *countingReader) *progress {
	p := &progress{w: o.Progress, in: in, size: o.InSize, start: time.Now()}
	p.bar = o.Progress != nil && (o.ForceProgress || isTerminal(o.Progress))
	return p
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// rowErrors writes the lines of bad rows.
func (p *progress) rowErrors(b []byte) {
	if p.w == nil || len(b) == 0 {
		return
	}
	p.clear()
	p.w.Write(b)
}

// update redraws the bar with rows done, at most every refresh.
func (p *progress) update(rows int64) {
	if !p.bar {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < refresh {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(rows) / elapsed
	line := fmt.Sprintf("\r\033[K%d rows  %.0f rows/s", rows, rate)
	if read := p.in.n.Load(); p.size > 0 && read > 0 {
		frac := min(float64(read)/float64(p.size), 1)
		eta := time.Duration(elapsed * (1 - frac) / frac * float64(time.Second))
		line += fmt.Sprintf("  %3.0f%%  ETA %s", 100*frac, eta.Round(time.Second))
	}
	fmt.Fprint(p.w, line)
	p.shown = true
}

// finish clears the bar and writes the summary.
func (p *progress) finish(s Summary) {
	if p.w == nil {
		return
	}
	p.clear()
	fmt.Fprintf(p.w, "screened %s\n", s)
}
