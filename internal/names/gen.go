//go:build ignore

// gen.go writes tables_gen.go from the YAML tables in data/. Run it with
// "go generate ./internal/names" after changing data/ or the lists in
// internal/gentables, or after changing Latin (the table holds Latin forms).
package main

import (
	"go/format"
	"log"
	"os"

	"github.com/chokepoint-dev/chokepoint/internal/names/internal/gentables"
)

func main() {
	src, err := gentables.Generate("data")
	if err != nil {
		log.Fatalf("generate tables: %v", err)
	}
	if src, err = format.Source(src); err != nil {
		log.Fatalf("format tables: %v", err)
	}
	if err := os.WriteFile("tables_gen.go", src, 0o644); err != nil {
		log.Fatalf("write tables: %v", err)
	}
}
