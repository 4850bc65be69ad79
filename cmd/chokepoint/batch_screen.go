package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/internal/batch"
)

// batchFlags are the flags of "screen --in".
type batchFlags struct {
	in, out     string
	threshold   float64
	limit       int
	hitsOnly    bool
	allowErrors bool
}

// runBatchScreen screens a CSV or JSONL file of parties on all cores and
// writes one result per row, in input order, to out (stdout when empty).
// Bad rows are reported on stderr and in the output; the others are still
// screened, and the command fails unless allowErrors, since a customer was
// not screened. An input that cannot be read to the end fails the command
// and leaves no output file.
func runBatchScreen(ctx context.Context, e *env, fl batchFlags) error {
	in, out := fl.in, fl.out
	inFormat, err := batch.FormatFromPath(in)
	if err != nil {
		return &usageError{err.Error()}
	}
	outFormat := batch.JSONL
	if out != "" {
		if outFormat, err = batch.FormatFromPath(out); err != nil {
			return &usageError{err.Error()}
		}
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	eng, err := loadEngine(ctx, e)
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	var tmp *os.File
	if out != "" {
		// Write beside the target and rename at the end, so an interrupted
		// run never leaves a half-written file under the final name.
		tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	sum, err := batch.Run(ctx, eng, batch.Options{
		In: f, InName: filepath.Base(in), InSize: size, Format: inFormat,
		Out: w, OutFormat: outFormat,
		Threshold: fl.threshold, Limit: fl.limit, HitsOnly: fl.hitsOnly,
		Progress: e.stderr,
	})
	if err != nil {
		return fmt.Errorf("screen %s: %w", in, err)
	}
	// After the summary, where a person reading it looks.
	printWarnings(e.stderr, warner(e).Warnings(eng.Datasets()))
	if tmp != nil {
		if err := tmp.Sync(); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return err
		}
	}
	if sum.Rejected > 0 && !fl.allowErrors {
		return fmt.Errorf("%d of %d rows in %s were not screened (reasons above and in the output's error column); fix them, or give --allow-errors to exit 0", sum.Rejected, sum.Rows, in)
	}
	return nil
}
