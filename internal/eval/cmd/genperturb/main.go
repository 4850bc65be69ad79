// Command genperturb writes the held-out perturbation set: every person and
// organisation on the UN consolidated list with its primary name altered in
// the ways of eval.PerturbKinds, split into a dev and a test file by
// eval.Part of the entity id.
//
//	go run ./internal/eval/cmd/genperturb [-un consolidated.xml] [-out DIR]
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func main() {
	unPath := flag.String("un", filepath.Join(sharedtest.Root(), eval.UNXMLFile), "UN consolidated list XML")
	out := flag.String("out", eval.HeldoutDir, "directory to write perturb_un_dev.csv and perturb_un_test.csv")
	flag.Parse()
	if err := run(*unPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genperturb:", err)
		os.Exit(1)
	}
}

func run(unPath, out string) error {
	rows, err := eval.PerturbationsFromFile(unPath)
	if err != nil {
		return err
	}
	byPart := map[string][][]string{}
	for _, p := range rows {
		part := eval.Part(p.EntityID)
		byPart[part] = append(byPart[part], p.Record())
	}
	for _, part := range []string{"dev", "test"} {
		path := filepath.Join(out, eval.PerturbFile(part))
		if err := writeCSV(path, byPart[part]); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", path, len(byPart[part]))
	}
	return nil
}

// writeCSV writes to a temporary file and renames it, so a failed run
// never leaves a half-written set behind.
func writeCSV(path string, rows [][]string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".genperturb-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	w := csv.NewWriter(tmp)
	w.Write(eval.PerturbHeader)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
