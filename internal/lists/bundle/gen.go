//go:build ignore

// gen copies the newest real list files from ../shared into data/,
// gzip-compressed, and writes data/manifest.json with each file's date,
// sha256, size, record count and origin. Run it from this directory:
//
//	go run gen.go -shared ../../../../shared
//
// PROVENANCE.md is written by hand from the same facts.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"
)

type file struct {
	Name      string `json:"name"`
	Published string `json:"published"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Records   int    `json:"records"`
	URL       string `json:"url"`
	Origin    string `json:"origin"`
	Excerpt   bool   `json:"excerpt,omitempty"`
	from      string
	count     func([]byte) int
}

type source struct {
	ID        string   `json:"id"`
	Format    string   `json:"format"`
	Published string   `json:"published"`
	Excerpt   bool     `json:"excerpt,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	SkipLists []string `json:"skip_lists,omitempty"`
	Files     []*file  `json:"files"`
}

const sls = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

// ofacRows counts CRLF-terminated records, ignoring the trailing 0x1A.
func ofacRows(b []byte) int {
	r := csv.NewReader(bytes.NewReader(bytes.TrimRight(b, "\x1a\r\n")))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		log.Fatal(err)
	}
	return len(recs)
}

func csvRows(b []byte) int { return ofacRows(b) - 1 }

func tags(tag ...string) func([]byte) int {
	return func(b []byte) int {
		n := 0
		for _, t := range tag {
			n += bytes.Count(b, []byte(t))
		}
		return n
	}
}

func main() {
	shared := flag.String("shared", "../../../../shared", "shared directory")
	flag.Parse()
	s := filepath.Join(*shared, "data/lists/official-samples")
	ofac := func(from, name, date, origin string) *file {
		return &file{Name: name, from: filepath.Join(s, from), Published: date, URL: sls + strings.ToUpper(name), Origin: origin, count: ofacRows}
	}
	watchCons := "moov-io/watchman@fca231b099c4b4d5022d03f4d36cdc4cae0f329c:test/testdata/"
	sources := []source{
		{
			ID: "us_ofac_sdn", Format: "ofac-csv", Published: "2024-05-03",
			Notes: []string{
				"the four CSV files are of different dates: sdn.csv 2024-05-03, add.csv and alt.csv about 2026-06-02, sdn_comments.csv 2025-12-24; no same-day set of all four is publicly archived",
				"orphans: address, alias and comment rows whose ent_num is not in sdn.csv (parties listed after 2024-05-03) are dropped and counted, never attached to another party; parties of sdn.csv removed later keep their 2024 data",
			},
			Files: []*file{
				ofac("ofac-sdn-legacy-csv/sdn.csv", "sdn.csv", "2024-05-03", "jackdwyer/specially-designated-nationals-list@a5ec3c5ee4aae1b36ba24897a051787ea5429d30:sdn.csv"),
				ofac("ofac-sdn-legacy-csv/add.csv", "add.csv", "2026-06-02", "mino6225/eurasian-risk-screener@61cc8da04e37592c4575860a4067e394f6e3b856:add.csv"),
				ofac("ofac-sdn-legacy-csv/alt.csv", "alt.csv", "2026-06-02", "mino6225/eurasian-risk-screener@61cc8da04e37592c4575860a4067e394f6e3b856:alt.csv"),
				ofac("ofac-sdn-legacy-csv/sdn_comments.csv", "sdn_comments.csv", "2025-12-24", "moov-io/watchman@2928c9496384fa9fad4e21bddd144c8fd42587b1:internal/tfidf/testdata/sdn_comments.csv"),
			},
		},
		{
			ID: "us_ofac_cons", Format: "ofac-csv", Published: "2025-12-19",
			Notes: []string{"publication date is the date the coherent four-file set was committed upstream (2025-12-19); the CSV files carry no date"},
			Files: []*file{
				ofac("ofac-consolidated-nonsdn-csv/cons_prim.csv", "cons_prim.csv", "2025-12-19", watchCons+"cons_prim.csv"),
				ofac("ofac-consolidated-nonsdn-csv/cons_add.csv", "cons_add.csv", "2025-12-19", watchCons+"cons_add.csv"),
				ofac("ofac-consolidated-nonsdn-csv/cons_alt.csv", "cons_alt.csv", "2025-12-19", watchCons+"cons_alt.csv"),
				ofac("ofac-consolidated-nonsdn-csv/cons_comments.csv", "cons_comments.csv", "2025-12-19", watchCons+"cons_comments.csv"),
			},
		},
		{
			ID: "un_sc", Format: "un-xml", Published: "2026-02-27",
			Files: []*file{{Name: "consolidated.xml", from: filepath.Join(s, "un-consolidated-xml/consolidated.xml"), Published: "2026-02-27",
				URL: "https://scsanctions.un.org/resources/xml/en/consolidated.xml", Origin: "moov-io/watchman@612b2174c7753aaf7166f59bbefcdfecbb1681de:test/testdata/UN_consolidated.xml",
				count: tags("<INDIVIDUAL>", "<ENTITY>")}},
		},
		{
			ID: "eu_fsf", Format: "eu-xml", Published: "2026-08-05", Excerpt: true,
			Notes: []string{"excerpt: 5 records; run lists update for the full list"},
			Files: []*file{{Name: "eu_fsf.xml", from: filepath.Join(s, "eu-fsf-xml/eu-fsf-excerpt-2026-08-05.xml"), Published: "2026-08-05", Excerpt: true,
				URL:    "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
				Origin: "GSmiguel/sanctions_lists_etl@84bded80fb8aaac52a1c272621e1fc54314e4e79:tests/fixtures/sample_eu_fsf.xml",
				count:  tags("<sanctionEntity ")}},
		},
		{
			ID: "gb_fcdo", Format: "uk-xml", Published: "2026-09-10", Excerpt: true,
			Notes: []string{"excerpt: 5 records; run lists update for the full list"},
			Files: []*file{{Name: "uk_sanctions_list.xml", from: filepath.Join(s, "uk-sanctions-list-xml/uk-sanctions-list-excerpt-2026-09-10.xml"), Published: "2026-09-10", Excerpt: true,
				URL:    "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
				Origin: "GSmiguel/sanctions_lists_etl@b795220770657f9f1daa3b6a2198f49d9fa3ec38:tests/fixtures/sample_uk_sanctions.xml",
				count:  tags("<Designation>")}},
		},
		{
			// The whole CSL of mid-May 2022 rather than a current excerpt:
			// the Entity List, MEU and Unverified List are only screened
			// against when whole, and an old whole list says it is stale.
			ID: "us_csl", Format: "csl-csv", Published: "2022-05-16",
			Notes: []string{
				"publication date is the capture date (gzip mtime 2022-05-16 upstream; latest start_date 2022-04-21); the CSV carries no date",
				"full list of May 2022 (14,160 rows, 2,001 of them Entity List): parties listed since are not screened until lists update brings a current file",
				"the 10,535 rows of OFAC lists (SDN, SSI, CAP, CMIC, NS-MBS, PLC, FSE) are not screened from this bundled CSL: the bundle carries OFAC's own SDN (2024-05-03) and consolidated (2025-12-19) files, and their 2022 copies would only bring back parties delisted since; the 3,625 rows of the BIS and State lists (EL, DTC, DPL, UVL, ISN, MEU) are",
			},
			SkipLists: []string{"SDN", "SSI", "CAP", "CMIC", "NS-MBS", "PLC", "FSE"},
			Files: []*file{{Name: "consolidated.csv", from: filepath.Join(s, "us-csl-csv-full/consolidated.csv"), Published: "2022-05-16",
				URL:    "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
				Origin: "moov-io/watchman@cb4dc141c8d7d3c58e3d17c7ea6bd4b1da1e6102:pkg/csl/testdata/consolidated.csv.gz (gunzipped)",
				count:  csvRows}},
		},
	}
	for _, src := range sources {
		if err := os.MkdirAll(filepath.Join("data", src.ID), 0o755); err != nil {
			log.Fatal(err)
		}
		for _, f := range src.Files {
			b, err := os.ReadFile(f.from)
			if err != nil {
				log.Fatal(err)
			}
			sum := sha256.Sum256(b)
			f.SHA256 = hex.EncodeToString(sum[:])
			f.Size = int64(len(b))
			f.Records = f.count(b)
			var gz bytes.Buffer
			w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
			w.Write(b)
			if err := w.Close(); err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("data", src.ID, f.Name+".gz"), gz.Bytes(), 0o644); err != nil {
				log.Fatal(err)
			}
			log.Printf("%s/%s: %d bytes, %d gz, %d records, %s", src.ID, f.Name, f.Size, gz.Len(), f.Records, f.SHA256)
		}
	}
	out, err := json.MarshalIndent(sources, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("data/manifest.json", append(out, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}
