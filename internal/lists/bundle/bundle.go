// Package bundle embeds the snapshot of the official sanctions lists that
// ships inside the binary, so that a fresh install screens with no network
// and no set-up.
//
// It sits at the very start of the data flow (sources -> entities -> index
// -> screening -> decisions -> store): it only holds the published files,
// gzip-compressed, and a manifest recording each file's publication date,
// sha256, size, record count and origin. Package lists parses them and
// falls back to them when its data directory has nothing newer.
// data/PROVENANCE.md says where every file came from; gen.go rebuilds the
// directory from ../shared.
package bundle

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
)

//go:embed data/manifest.json data/*/*.gz
var data embed.FS

// maxFileSize caps what one embedded file may expand to, so that a bad
// build cannot make start-up allocate without bound.
const maxFileSize = 256 << 20

// File is one published file of a bundled source.
type File struct {
	// Name is the file's logical name inside its source ("sdn.csv").
	Name string `json:"name"`
	// Published is the file's own publication (or capture) date,
	// YYYY-MM-DD. The files of one source may differ.
	Published string `json:"published"`
	// SHA256 and Size describe the uncompressed file as published.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Records is the number of data rows or records in the file.
	Records int `json:"records"`
	// URL is the official download URL of the file.
	URL string `json:"url"`
	// Origin is where the copy came from: "owner/repo@commit:path".
	Origin string `json:"origin"`
	// Excerpt is set when the file holds only some of the list's records.
	Excerpt bool `json:"excerpt,omitempty"`
}

// Source is one bundled source.
type Source struct {
	// ID is the source id, such as "us_ofac_sdn".
	ID string `json:"id"`
	// Format names the parser: "ofac-csv", "un-xml", "eu-xml", "uk-xml",
	// "csl-csv".
	Format string `json:"format"`
	// Published is the date the dataset is taken to be published on.
	Published string   `json:"published"`
	Excerpt   bool     `json:"excerpt,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	// SkipLists are the codes of lists inside an aggregated file (the
	// CSL's "list" property) that are not screened from the bundle,
	// because the bundle carries the publisher's own, newer file of them.
	SkipLists []string `json:"skip_lists,omitempty"`
	Files     []File   `json:"files"`
}

// Manifest returns the bundled sources in the order they should be shown.
func Manifest() ([]Source, error) {
	b, err := data.ReadFile("data/manifest.json")
	if err != nil {
		return nil, fmt.Errorf("read bundle manifest: %w", err)
	}
	var srcs []Source
	if err := json.Unmarshal(b, &srcs); err != nil {
		return nil, fmt.Errorf("decode bundle manifest: %w", err)
	}
	return srcs, nil
}

// ReadFile returns the uncompressed contents of the named file of source
// and checks it against the sha256 the manifest records, so that what is
// served is exactly what the provenance describes.
func ReadFile(src Source, name string) ([]byte, error) {
	var want *File
	for i := range src.Files {
		if src.Files[i].Name == name {
			want = &src.Files[i]
		}
	}
	if want == nil {
		return nil, fmt.Errorf("bundle %s: no file %s", src.ID, name)
	}
	f, err := data.Open(path.Join("data", src.ID, name+".gz"))
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", src.ID, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("bundle %s/%s: %w", src.ID, name, err)
	}
	var buf bytes.Buffer
	buf.Grow(int(want.Size))
	n, err := io.Copy(&buf, io.LimitReader(zr, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("bundle %s/%s: decompress: %w", src.ID, name, err)
	}
	if n > maxFileSize {
		return nil, fmt.Errorf("bundle %s/%s: over %d bytes", src.ID, name, maxFileSize)
	}
	sum := sha256.Sum256(buf.Bytes())
	if got := hex.EncodeToString(sum[:]); got != want.SHA256 {
		return nil, fmt.Errorf("bundle %s/%s: sha256 %s, manifest says %s", src.ID, name, got, want.SHA256)
	}
	return buf.Bytes(), nil
}
