package lists

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// FileInfo describes one stored or bundled file of a list version.
type FileInfo struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// URL is where the file was downloaded from, or the path it was
	// imported from, or its official URL for bundled files.
	URL string `json:"url,omitempty"`
	// Published is the file's own date when known (bundled files, HTTP
	// Last-Modified).
	Published string `json:"published,omitempty"`
	// LastModified is the HTTP Last-Modified header of a download.
	LastModified string `json:"last_modified,omitempty"`
	// Records is the number of rows or records, for bundled files.
	Records int `json:"records,omitempty"`
	// Origin is the provenance of a bundled file.
	Origin string `json:"origin,omitempty"`
	// Unchanged is set in update results when the file has the same
	// sha256 as the one already served.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Meta is the meta.json of one stored version.
type Meta struct {
	Source    string `json:"source"`
	Version   string `json:"version"`
	Published string `json:"published"`
	// PublishedFrom says where Published came from: "file" (the list
	// states it), "http Last-Modified of FILE", "import time" or "bundle
	// manifest".
	PublishedFrom string `json:"published_from"`
	Format        Format `json:"format"`
	// Method is "update", "import" or "bundle".
	Method string    `json:"method"`
	Stored time.Time `json:"stored"`
	// ContentHash is the sha256 over the files' names and hashes; two
	// versions with the same hash hold the same files.
	ContentHash string         `json:"content_hash"`
	Files       []FileInfo     `json:"files"`
	Counts      map[string]int `json:"counts"`
	Total       int            `json:"total"`
	Notes       []string       `json:"notes,omitempty"`
	// Replaced is the version that was served before this one.
	Replaced string `json:"replaced,omitempty"`
	// Forced is the audit note of a version accepted with --force over a
	// refusal (shrink or older publication).
	Forced string `json:"forced,omitempty"`
}

// metaFile and currentFile are the names the store uses inside a source
// directory.
const (
	metaFile    = "meta.json"
	currentFile = "current"
)

// contentHash returns the hex sha256 over the sorted file names and their
// hashes.
func contentHash(files []FileInfo) string {
	sorted := append([]FileInfo(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	h := sha256.New()
	for _, f := range sorted {
		fmt.Fprintf(h, "%s\x00%s\n", f.Name, f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// versionName is the publication date and the first 8 hex digits of the
// content hash, such as "2024-05-03+3f2a9c1b".
func versionName(published, hash string) string {
	if published == "" {
		published = "undated"
	}
	return published + "+" + hash[:8]
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func countsOf(ds *entity.Dataset) map[string]int {
	m := make(map[string]int)
	for t, n := range ds.Counts() {
		m[typeName(t)] = n
	}
	return m
}

func typeName(t entity.Type) string {
	if t == entity.Unknown {
		return "unknown"
	}
	return string(t)
}

// safeName reports whether s can be used as one path element.
func safeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`) && !strings.HasPrefix(s, ".")
}

// readCurrent returns the version the current pointer of source names.
func readCurrent(root, source string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, source, currentFile))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if !safeName(v) {
		return "", fmt.Errorf("current pointer of %s: bad version %q", source, v)
	}
	return v, nil
}

// writeFileAtomic writes data to path through a synced temporary file and
// a rename, so a reader sees the old or the new content, never a mix.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some file systems refuse to sync a directory; the rename is done
	// either way, so that is not worth failing an update over.
	_ = d.Sync()
	return nil
}

// writeCurrent points source at version.
func writeCurrent(root, source, version string) error {
	return writeFileAtomic(filepath.Join(root, source, currentFile), []byte(version+"\n"))
}

// readMeta reads the meta.json of one stored version.
func readMeta(dir string) (Meta, error) {
	var m Meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, metaFile), err)
	}
	return m, nil
}

// storedVersions returns the metas of the versions of source on disk,
// newest stored first. Versions whose meta.json cannot be read are
// returned in bad with the reason.
func storedVersions(root, source string) (good []Meta, bad map[string]error, err error) {
	entries, err := os.ReadDir(filepath.Join(root, source))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	bad = make(map[string]error)
	for _, e := range entries {
		if !e.IsDir() || !safeName(e.Name()) {
			continue
		}
		m, err := readMeta(filepath.Join(root, source, e.Name()))
		if err != nil {
			bad[e.Name()] = err
			continue
		}
		if m.Version != e.Name() || m.Source != source {
			bad[e.Name()] = fmt.Errorf("meta.json names %s %s", m.Source, m.Version)
			continue
		}
		good = append(good, m)
	}
	sort.SliceStable(good, func(i, j int) bool { return good[i].Stored.After(good[j].Stored) })
	return good, bad, nil
}

// readVersionFiles reads the files of a stored version and checks each
// against the sha256 in its meta, so a corrupted file is caught before it
// is parsed.
func readVersionFiles(dir string, m Meta, maxSize int64) (parse.Files, error) {
	files := make(parse.Files, len(m.Files))
	for _, fi := range m.Files {
		if !safeName(fi.Name) {
			return nil, fmt.Errorf("meta.json: bad file name %q", fi.Name)
		}
		p := filepath.Join(dir, fi.Name)
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		if int64(len(b)) > maxSize {
			return nil, fmt.Errorf("%s: over %d bytes", p, maxSize)
		}
		if got := sha256Hex(b); got != fi.SHA256 {
			return nil, fmt.Errorf("%s: sha256 %s, meta.json says %s (file corrupted)", p, got[:12], fi.SHA256[:min(12, len(fi.SHA256))])
		}
		files[fi.Name] = b
	}
	return files, nil
}

// storeVersion writes files and meta as a new version directory of
// source. Files whose sha256 equals a file of the same name in prevDir are
// hard-linked from there rather than written again. The directory appears
// under its final name only once complete.
func storeVersion(root string, m Meta, files parse.Files, prevDir string) error {
	srcDir := filepath.Join(root, m.Source)
	if err := os.MkdirAll(srcDir, 0o755); err != nil {
		return fmt.Errorf("create source directory: %w", err)
	}
	final := filepath.Join(srcDir, m.Version)
	if old, err := readMeta(final); err == nil {
		if old.ContentHash == m.ContentHash {
			return nil // the same files are already stored under this name
		}
	}
	tmp, err := os.MkdirTemp(srcDir, ".tmp-"+m.Version+"-*")
	if err != nil {
		return fmt.Errorf("create version directory: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	prev := make(map[string]string)
	if prevDir != "" {
		if pm, err := readMeta(prevDir); err == nil {
			for _, f := range pm.Files {
				prev[f.Name] = f.SHA256
			}
		}
	}
	for _, fi := range m.Files {
		dst := filepath.Join(tmp, fi.Name)
		if prev[fi.Name] == fi.SHA256 && os.Link(filepath.Join(prevDir, fi.Name), dst) == nil {
			continue
		}
		if err := writeSynced(dst, files[fi.Name]); err != nil {
			return fmt.Errorf("write %s: %w", fi.Name, err)
		}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	if err := writeSynced(filepath.Join(tmp, metaFile), append(b, '\n')); err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	// A directory left by an interrupted or corrupted earlier store of the
	// same version is replaced.
	if _, err := os.Stat(final); err == nil {
		if err := os.RemoveAll(final); err != nil {
			return fmt.Errorf("replace version directory: %w", err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("rename version directory: %w", err)
	}
	return syncDir(srcDir)
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// prune removes the oldest stored versions of source beyond keep, never
// the current one, and leftover temporary directories.
func prune(root, source, current string, keep int) error {
	good, bad, err := storedVersions(root, source)
	if err != nil {
		return err
	}
	var errs []error
	kept := 0
	for _, m := range good {
		if m.Version == current || kept < keep-1 {
			if m.Version != current {
				kept++
			}
			continue
		}
		errs = append(errs, os.RemoveAll(filepath.Join(root, source, m.Version)))
	}
	_ = bad // unreadable versions are kept for a person to inspect
	entries, _ := os.ReadDir(filepath.Join(root, source))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				errs = append(errs, os.RemoveAll(filepath.Join(root, source, e.Name())))
			}
		}
	}
	return errors.Join(errs...)
}
