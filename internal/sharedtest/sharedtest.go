// Package sharedtest finds the shared material (real list files, evaluation
// data) that tests read, and skips a test with a clear message when it is
// absent.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the shared/ directory beside the repository root, found by
// walking up from the working directory to go.mod. The CHOKEPOINT_SHARED
// variable overrides it. It returns "" when the directory does not exist.
func Root() string {
	if d := os.Getenv("CHOKEPOINT_SHARED"); d != "" {
		return d
	}
	root := ModuleRoot()
	if root == "" {
		return ""
	}
	shared := filepath.Join(filepath.Dir(root), "shared")
	if fi, err := os.Stat(shared); err == nil && fi.IsDir() {
		return shared
	}
	return ""
}

// ModuleRoot returns the nearest directory at or above the working
// directory that holds go.mod, or "" when there is none.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Path returns the path of rel under shared/, skipping the test when
// shared/ or the file is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root := Root()
	if root == "" {
		tb.Skipf("skipping: shared data not found (want ../shared beside the repository, or CHOKEPOINT_SHARED); %s is needed", rel)
	}
	p := filepath.Join(root, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skipping: shared file %s is missing: %v", rel, err)
	}
	return p
}

// Read returns the contents of rel under shared/, skipping as Path does.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(Path(tb, rel))
	if err != nil {
		tb.Fatalf("read shared file: %v", err)
	}
	return data
}
