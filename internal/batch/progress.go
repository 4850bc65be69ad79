package batch

import (
	"fmt"
	"io"

	progressbar "github.com/chokepoint-dev/chokepoint/internal/progress"
)

// progress writes the progress bar, the bad rows and the summary. Only the
// writing goroutine calls it, so it needs no lock.
type progress struct {
	w    io.Writer
	bar  *progressbar.Bar
	in   *progressbar.Reader
	name string // the input, for the summary line
}

func newProgress(o Options, in *progressbar.Reader) *progress {
	return &progress{w: o.Progress, in: in, name: o.name(), bar: progressbar.New(o.Progress, o.InSize, "rows", o.ForceProgress)}
}

// rowErrors writes the lines of bad rows.
func (p *progress) rowErrors(b []byte) {
	if p.w == nil || len(b) == 0 {
		return
	}
	p.bar.Clear().Write(b)
}

// update redraws the bar with rows done.
func (p *progress) update(rows int64) {
	p.bar.Update(rows, p.in.N())
}

// finish clears the bar and writes the summary.
func (p *progress) finish(s Summary) {
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.bar.Clear(), "%s: %s\n", p.name, s)
}
