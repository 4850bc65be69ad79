// Package batch screens a file of parties (CSV or JSON lines) and writes one
// result per input row, in input order, on all cores.
//
// It is the bulk front of the screening stage of the data flow (sources ->
// entities -> index -> screening -> decisions -> store): it reads parties
// from a stream, hands them to a [Screener] (a *match.Engine in the
// program) and writes the matches to a stream. Memory stays flat whatever
// the input size: a bounded number of chunks of rows is in flight at once,
// and a reorder buffer restores input order before writing.
package batch

import (
	"context"
	"errors"
	"fmt"
	progressbar "github.com/chokepoint-dev/chokepoint/internal/progress"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// Screener is what batch needs from the screening engine. *match.Engine
// implements it.
type Screener interface {
	Screen(q match.Query, opt match.Options) ([]match.Match, error)
	Entity(id string) (*entity.Entity, bool)
	Datasets() []*entity.Dataset
}

// Format is a file format for input or output.
type Format string

// The formats batch reads and writes.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// FormatFromPath picks the format from a file name's extension: .csv, or
// .jsonl and .ndjson for JSON lines.
func FormatFromPath(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension (want .csv, .jsonl or .ndjson)", path)
}

// ParseFormat reads a format name as a user types it: csv, jsonl, ndjson
// or json.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	}
	return "", fmt.Errorf("format %q: want csv or jsonl", s)
}

// Options configure one Run. In, Out and Format are required; the rest
// have working zero values.
type Options struct {
	// In is the input stream.
	In io.Reader
	// InName names the input in row errors, such as "customers.csv";
	// empty means "input".
	InName string
	// InSize is the input size in bytes when known (a regular file), for
	// the progress bar's ETA; 0 means unknown.
	InSize int64
	// Format is the input format.
	Format Format
	// Out receives the results.
	Out io.Writer
	// OutFormat is the output format; empty means JSONL.
	OutFormat Format
	// Threshold and Limit are passed to the screener for every row; zero
	// means the engine default.
	Threshold float64
	Limit     int
	// HitsOnly drops, in CSV output, the lines of rows that had no hit
	// (and no error), and in JSONL output the rows with no matches.
	HitsOnly bool
	// Progress receives the progress bar (only when it is a terminal, or
	// when ForceProgress is set), one line per bad row, and the summary at
	// the end. Nil means silence.
	Progress io.Writer
	// ForceProgress draws the progress bar even when Progress is not a
	// terminal.
	ForceProgress bool
	// Workers is the number of screening goroutines; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// ChunkSize is the number of rows handed to a worker at once; 0 means
	// 64. Larger chunks cost less coordination and more memory.
	ChunkSize int
}

// Summary counts what a Run did. Every data line of the input (see
// [Summary.Lines]) belongs to one row, and every row is screened or
// rejected: Screened + Rejected = Rows.
type Summary struct {
	// Rows is the number of input rows read (the header excluded).
	Rows int64 `json:"rows"`
	// Screened is the number of rows screened without error.
	Screened int64 `json:"screened"`
	// Rejected is the number of rows that could not be screened, each
	// reported with its line and the reason.
	Rejected int64 `json:"rejected"`
	// WithMatches is the number of rows with at least one result at or
	// above the threshold.
	WithMatches int64 `json:"with_matches"`
	// Hits is the number of results written, near-matches included.
	Hits int64 `json:"hits"`
	// Lines is the number of data lines: the physical lines after the
	// header (a line ends at LF, CRLF or the end of the input), blank lines
	// between rows excepted. A row is one line unless a quoted CSV field
	// spans lines; Lines counts the lines of every row.
	Lines int64 `json:"lines"`
	// BlankLines is the number of blank lines (empty or only spaces,
	// tabs and CRs) skipped between rows.
	BlankLines int64         `json:"blank_lines"`
	Elapsed    time.Duration `json:"elapsed_ns"`
}

// RowsPerSecond is the rate of rows read over the elapsed time.
func (s Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

func (s Summary) String() string {
	return fmt.Sprintf("%d rows read, %d screened, %d rejected, %d with matches; %d data lines, %d blank; %s (%.0f rows/s)",
		s.Rows, s.Screened, s.Rejected, s.WithMatches, s.Lines, s.BlankLines, s.Elapsed.Round(time.Millisecond), s.RowsPerSecond())
}

// row is one input row on its way through the pipeline.
type row struct {
	num     int64 // 1-based data row number
	line    int   // input line where the row starts
	endLine int   // input line where the row ends
	q       match.Query
	fields  []string // the input columns as read, for CSV pass-through
	extra   []byte   // JSONL input: the object as read, for pass-through
	err     error    // why the row cannot be screened
}

// chunk is the unit of work: consecutive rows, screened by one worker and
// written at once.
type chunk struct {
	seq  int64
	rows []row
	out  []byte // encoded output lines
	errs []byte // lines for Progress, one per bad row
	sum  Summary
}

// Run screens every row of opts.In with s and writes the results to
// opts.Out in input order. A bad row is reported in the output and on
// opts.Progress and does not stop the run; a failure to read the input
// (other than a bad row), to write the output or a cancelled ctx does, and
// is returned with the counts so far.
func Run(ctx context.Context, s Screener, opts Options) (Summary, error) {
	start := time.Now()
	if err := opts.check(); err != nil {
		return Summary{}, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	size := opts.ChunkSize
	if size <= 0 {
		size = 64
	}
	in := progressbar.NewReader(opts.In)
	rd, err := newReader(opts.Format, in, opts.name())
	if err != nil {
		return Summary{}, err
	}
	enc := newEncoder(opts.OutFormat, rd.header(), opts.HitsOnly)
	if h := enc.header(); h != nil {
		if _, err := opts.Out.Write(h); err != nil {
			return Summary{}, fmt.Errorf("write header: %w", err)
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	// tokens bounds the chunks between reading and writing, so that a slow
	// chunk cannot make the reorder buffer grow without limit.
	tokens := make(chan struct{}, 4*workers)
	jobs := make(chan *chunk, workers)
	done := make(chan *chunk, workers)
	mopt := match.Options{Threshold: opts.Threshold, Limit: opts.Limit}

	var readErr error
	go func() {
		defer close(jobs)
		readErr = readChunks(ctx, rd, size, tokens, jobs)
		if readErr != nil {
			cancel(readErr)
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				screenChunk(s, mopt, enc, opts.name(), c)
				done <- c
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	prog := newProgress(opts, in)
	sum, werr := writeInOrder(opts.Out, done, tokens, prog)
	if werr != nil {
		cancel(werr)
		for range done { // let the workers and reader finish
		}
	}
	sum.BlankLines = rd.blank() // the reader is done: done is closed
	sum.Elapsed = time.Since(start)
	prog.finish(sum)
	switch {
	case werr != nil:
		return sum, werr
	case readErr != nil:
		return sum, readErr
	case ctx.Err() != nil:
		return sum, context.Cause(ctx)
	}
	return sum, nil
}

func (o *Options) check() error {
	var errs []error
	if o.In == nil {
		errs = append(errs, errors.New("batch: no input"))
	}
	if o.Out == nil {
		errs = append(errs, errors.New("batch: no output"))
	}
	switch o.Format {
	case CSV, JSONL:
	default:
		errs = append(errs, fmt.Errorf("batch: input format %q: want csv or jsonl", o.Format))
	}
	switch o.OutFormat {
	case "":
		o.OutFormat = JSONL
	case CSV, JSONL:
	default:
		errs = append(errs, fmt.Errorf("batch: output format %q: want csv or jsonl", o.OutFormat))
	}
	if o.Threshold < 0 || o.Threshold > 1 {
		errs = append(errs, fmt.Errorf("batch: threshold %v: want a score in [0,1]", o.Threshold))
	}
	if o.Limit < 0 || o.Limit > match.MaxLimit {
		errs = append(errs, fmt.Errorf("batch: limit %d: want 0..%d", o.Limit, match.MaxLimit))
	}
	return errors.Join(errs...)
}

func (o *Options) name() string {
	if o.InName == "" {
		return "input"
	}
	return o.InName
}

// readChunks reads rows into chunks and sends them to jobs, taking a token
// for each. It returns the error that stops the reading, if any.
func readChunks(ctx context.Context, rd reader, size int, tokens chan struct{}, jobs chan<- *chunk) error {
	var seq, num int64
	for {
		c := &chunk{seq: seq, rows: make([]row, 0, size)}
		var err error
		for len(c.rows) < size {
			var r row
			r, err = rd.next()
			if err != nil {
				break
			}
			num++
			r.num = num
			c.rows = append(c.rows, r)
		}
		if len(c.rows) > 0 {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
			select {
			case jobs <- c:
			case <-ctx.Done():
				return nil
			}
			seq++
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func screenChunk(s Screener, opt match.Options, enc *encoder, file string, c *chunk) {
	for i := range c.rows {
		r := &c.rows[i]
		c.sum.Rows++
		c.sum.Lines += int64(r.endLine - r.line + 1)
		var ms []match.Match
		if r.err == nil {
			var err error
			ms, err = s.Screen(r.q, opt)
			if err != nil {
				r.err = rowError(file, r, err)
			}
		}
		if r.err != nil {
			c.sum.Rejected++
			c.errs = append(c.errs, r.err.Error()...)
			c.errs = append(c.errs, '\n')
		} else {
			c.sum.Screened++
			c.sum.Hits += int64(len(ms))
			for _, m := range ms {
				if m.Match {
					c.sum.WithMatches++
					break
				}
			}
		}
		c.out = enc.encode(c.out, r, ms)
	}
	c.rows = nil // the rows are written; let them go before the chunk is
}

// writeInOrder writes chunks as their turn comes, holding early ones in a
// reorder buffer, and returns the sum of their counts.
func writeInOrder(w io.Writer, done <-chan *chunk, tokens <-chan struct{}, prog *progress) (Summary, error) {
	var sum Summary
	pending := make(map[int64]*chunk)
	var next int64
	for c := range done {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if _, err := w.Write(c.out); err != nil {
				return sum, fmt.Errorf("write results: %w", err)
			}
			prog.rowErrors(c.errs)
			sum.Rows += c.sum.Rows
			sum.Screened += c.sum.Screened
			sum.WithMatches += c.sum.WithMatches
			sum.Hits += c.sum.Hits
			sum.Rejected += c.sum.Rejected
			sum.Lines += c.sum.Lines
			prog.update(sum.Rows)
			<-tokens
		}
	}
	return sum, nil
}
