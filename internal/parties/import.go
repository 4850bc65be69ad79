package parties

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// DefaultBatch is the rows per transaction: large enough that the commit
// (an fsync) is a small share of the work, small enough that a batch
// holds the SQLite write lock for well under a second.
const DefaultBatch = 2000

// MaxErrors caps the row errors kept in a Summary; the count goes on.
const MaxErrors = 1000

// Options tune an import.
type Options struct {
	// File names the input in row errors.
	File   string
	Actor  store.Actor
	Reason string
	// Batch is the rows per transaction, DefaultBatch when zero.
	Batch int
	// Progress, when set, is called after each batch with the rows read.
	Progress func(rows int64)
}

// Summary is what an import did.
type Summary struct {
	Rows      int64 `json:"rows"`
	Created   int64 `json:"created"`
	Updated   int64 `json:"updated"`
	Unchanged int64 `json:"unchanged"`
	Failed    int64 `json:"failed"`
	// Errors are the first MaxErrors bad rows, each naming file, line and
	// field.
	Errors []error `json:"-"`
}

// Import reads counterparties from r and stores them, Batch rows per
// transaction. A bad row is counted and kept in the summary and the rest
// are imported; the returned error is for input that cannot be read
// further or a database failure, after which the batches already
// committed stay committed (a re-run of the same file only adds what is
// missing: unchanged rows create nothing).
func Import(ctx context.Context, s *store.Store, r Reader, opt Options) (Summary, error) {
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	var sum Summary
	fail := func(err error) {
		sum.Failed++
		if len(sum.Errors) < MaxErrors {
			sum.Errors = append(sum.Errors, err)
		}
	}
	batch := make([]Row, 0, opt.Batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var created, updated, unchanged int64
		parties := make([]store.Counterparty, len(batch))
		for i, row := range batch {
			parties[i] = row.Party
		}
		err := s.Write(ctx, opt.Actor, opt.Reason, func(tx *store.Tx) error {
			created, updated, unchanged = 0, 0, 0
			results, err := tx.PutCounterparties(ctx, parties)
			if err != nil {
				return err
			}
			for _, res := range results {
				switch {
				case res.Created:
					created++
				case res.Changed:
					updated++
				default:
					unchanged++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		sum.Created += created
		sum.Updated += updated
		sum.Unchanged += unchanged
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(sum.Rows)
		}
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return sum, errors.Join(err, ferr)
			}
			return sum, err
		}
		sum.Rows++
		if row.Err != nil {
			fail(row.Err)
			continue
		}
		// Check the row before it joins a batch, so that one bad row
		// never rolls back the good rows around it.
		if _, err := row.Party.Normalize(); err != nil {
			fail(rowError(opt.File, row, err))
			continue
		}
		batch = append(batch, row)
		if len(batch) == opt.Batch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	return sum, flush()
}

// rowError places a counterparty's field errors on the row's line.
func rowError(file string, row Row, err error) error {
	var fe *store.FieldError
	if errs := unwrapAll(err); len(errs) == 1 && errors.As(err, &fe) {
		return parse.Errorf(file, row.Line, fe.Field, "%s", fe.Msg)
	}
	msgs := make([]string, 0, 4)
	for _, e := range unwrapAll(err) {
		msgs = append(msgs, e.Error())
	}
	return parse.Errorf(file, row.Line, "", "%s", strings.Join(msgs, "; "))
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
