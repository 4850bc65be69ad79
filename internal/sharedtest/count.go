package sharedtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Needing counts the test and fuzz functions of the module at root that
// read the shared material: those whose body uses this package (other than
// Main, ModuleRoot and RequireVar), directly or through a function of their own package that does.
// It is what the one line of a whole `go test ./...` run reports, since no
// single test binary sees the others' skips, and cached packages report
// nothing at all.
func Needing(root string) (tests, packages int, err error) {
	byDir := make(map[string][]*ast.File)
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], f)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	for _, files := range byDir {
		if n := needingIn(files); n > 0 {
			tests += n
			packages++
		}
	}
	return tests, packages, nil
}

// needingIn counts the Test and Fuzz functions of one package's test files
// that reach this package.
func needingIn(files []*ast.File) int {
	bodies := make(map[string]*ast.BlockStmt)
	for _, f := range files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil && fd.Recv == nil {
				bodies[fd.Name.Name] = fd.Body
			}
		}
	}
	needs := make(map[string]bool)
	for changed := true; changed; {
		changed = false
		for name, body := range bodies {
			if needs[name] {
				continue
			}
			ast.Inspect(body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.SelectorExpr:
					if id, ok := x.X.(*ast.Ident); ok && id.Name == "sharedtest" && x.Sel.Name != "Main" && x.Sel.Name != "ModuleRoot" && x.Sel.Name != "RequireVar" {
						needs[name] = true
					}
				case *ast.Ident:
					if x.Name != name && needs[x.Name] {
						needs[name] = true
					}
				}
				return !needs[name]
			})
			changed = changed || needs[name]
		}
	}
	n := 0
	for name := range needs {
		if name != "TestMain" && (strings.HasPrefix(name, "Test") || strings.HasPrefix(name, "Fuzz")) {
			n++
		}
	}
	return n
}

// firstInRun reports whether this test binary is the first of its go
// command's run to ask: the go command's pid and start time name a marker
// file that only one binary can create. Markers older than a day are
// cleared on the way.
func firstInRun(dir string, ppid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", ppid))
	if err != nil {
		return true
	}
	// The start time is field 22, after the command name in parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 20 {
		return true
	}
	prefix := "chokepoint-sharedtest-"
	if old, _ := filepath.Glob(filepath.Join(dir, prefix+"*")); len(old) > 0 {
		for _, p := range old {
			if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				os.Remove(p)
			}
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%s%d-%s", prefix, ppid, fields[19])), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
