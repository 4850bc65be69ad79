// Package progress draws the one-line progress bar of the batch commands
// (screen --in, check --in) on a terminal, and nothing when the output is
// a file or a pipe, so that logs and redirected output stay clean.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// refresh is the shortest time between two draws: drawing more often only
// costs terminal output nobody can read.
const refresh = 200 * time.Millisecond

// Bar is a progress line of items done, their rate and, when the input
// size is known, the share read and the time left. It is not safe for
// concurrent use; one goroutine drives it.
type Bar struct {
	// Label, when set, starts the line, naming what is in progress.
	Label string
	w     io.Writer
	on    bool
	unit  string
	size  int64
	start time.Time
	last  time.Time
	shown bool
}

// New returns a bar writing to w for items named unit ("rows", "orders").
// size is the input size in bytes, or 0 when unknown. The bar draws only
// when w is a terminal, or when force is set.
func New(w io.Writer, size int64, unit string, force bool) *Bar {
	return &Bar{w: w, on: w != nil && (force || IsTerminal(w)), unit: unit, size: size, start: time.Now()}
}

// IsTerminal reports whether w is a character device, such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update redraws the bar with done items and read bytes of input, at most
// every refresh.
func (b *Bar) Update(done, read int64) {
	if !b.on {
		return
	}
	now := time.Now()
	if now.Sub(b.last) < refresh {
		return
	}
	b.last = now
	elapsed := now.Sub(b.start).Seconds()
	line := fmt.Sprintf("\r\033[K%d %s  %.0f %s/s", done, b.unit, float64(done)/elapsed, b.unit)
	if b.Label != "" {
		line = "\r\033[K" + b.Label + "  " + line[len("\r\033[K"):]
	}
	if b.size > 0 && read > 0 {
		frac := min(float64(read)/float64(b.size), 1)
		eta := time.Duration(elapsed * (1 - frac) / frac * float64(time.Second))
		line += fmt.Sprintf("  %3.0f%%  ETA %s", 100*frac, eta.Round(time.Second))
	}
	fmt.Fprint(b.w, line)
	b.shown = true
}

// Clear removes the bar line, so that a message can be written, and
// returns the writer to write it to. The next Update draws the bar again.
func (b *Bar) Clear() io.Writer {
	if b.shown {
		fmt.Fprint(b.w, "\r\033[K")
		b.shown = false
	}
	return b.w
}

// Reader counts the bytes read through it, so that a bar can show the
// share of the input done. Its count may be read from another goroutine
// than the one reading.
type Reader struct {
	r io.Reader
	n atomic.Int64
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

func (c *Reader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// N returns the number of bytes read so far.
func (c *Reader) N() int64 { return c.n.Load() }

// SetSize sets the total that read counts towards, once it is known (a
// download's Content-Length); a size of 0 or less shows no percentage.
func (b *Bar) SetSize(size int64) { b.size = size }
