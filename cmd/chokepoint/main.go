// Command chokepoint screens parties, goods and routes against the official
// sanctions and export-control lists.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/chokepoint-dev/chokepoint/internal/config"
)

// env is what every command receives: the effective config, its output
// writers and a logger.
type env struct {
	cfg    config.Config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

type command struct {
	name  string
	short string
	run   func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"screen", "screen one name, or a CSV/JSONL file of parties", runScreen},
		{"compare", "score two names against each other and explain", runCompare},
		{"check", "screen an order: parties, goods and route, one decision", runCheck},
		{"scan", "screen payment and trade documents (SWIFT MT, ISO 20022, bill of lading, invoice)", runScan},
		{"lists", "show, update, import and diff the sanctions lists", runLists},
		{"serve", "run the HTTP JSON API", runServe},
		{"parties", "import and show counterparties in the system of record", runParties},
		{"alerts", "list, show and decide alerts: assign, disposition, approve, escalate, close", runAlerts},
		{"suppressions", "list and revoke the suppressions of cleared hits", runSuppressions},
		{"users", "add and manage the users who act on the record", runUsers},
		{"keys", "create, list and revoke API keys", runKeys},
		{"audit", "verify and export the audit trail", runAudit},
		{"migrate", "create or upgrade the database schema", runMigrate},
		{"eval", "measure match quality and speed on the evaluation data", runEval},
		{"config", "print the effective configuration", runConfig},
		{"version", "print the version", runVersion},
	}
}

// usageError is a mistake in the command line; main prints the usage with it.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it in process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	cfg := config.New()
	if err := cfg.FromEnv(environ); err != nil {
		fmt.Fprintf(stderr, "chokepoint: %v\n", err)
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "chokepoint: %v\n", err)
		return 2
	}
	out := &checkedWriter{w: stdout}
	e := &env{cfg: cfg, stdin: stdin, stdout: out, stderr: stderr, log: newLogger(cfg, stderr)}
	if len(args) == 0 {
		// A bare "chokepoint" in a script is a mistake, not a success.
		usage(stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(out)
		return out.exit(stderr, "chokepoint", 0)
	case "-version", "--version":
		name, args = "version", []string{"version"}
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return out.exit(stderr, "chokepoint "+c.name, 0)
		case errors.Is(err, errFindings):
			return out.exit(stderr, "chokepoint "+c.name, 1)
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "chokepoint %s: %v\nRun 'chokepoint %s -h' for usage.\n", c.name, err, c.name)
			return 2
		}
		fmt.Fprintf(stderr, "chokepoint %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "chokepoint: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// checkedWriter keeps the first error writing stdout, so that a result
// lost to a full disk or a closed pipe ("screen NAME > /dev/full") fails
// the command instead of exiting 0. Once a write failed, every later
// write fails too.
type checkedWriter struct {
	w   io.Writer
	mu  sync.Mutex // serve may write from several goroutines
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

// exit returns code, or 1 after reporting the write error if stdout
// could not be written.
func (c *checkedWriter) exit(stderr io.Writer, cmd string, code int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return code
	}
	fmt.Fprintf(stderr, "%s: write standard output: %v\n", cmd, c.err)
	return 1
}

// errFindings makes a command exit 1 without printing an error, for
// commands whose output already says what was found (a blocked order).
var errFindings = errors.New("findings reported")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: chokepoint <command> [flags] [arguments]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\nRun 'chokepoint <command> -h' for the flags of a command, 'chokepoint --version' for the version.")
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints usage to the command's stderr.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: chokepoint %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs, letting flags follow positional
// arguments ("screen NAME --json"), which users type.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
