package lists

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Format names one published file format, and so the parser that reads it.
type Format string

// The formats the catalog reads.
const (
	FormatOFACCSV      Format = "ofac-csv"          // OFAC legacy CSV set (sdn.csv, add.csv, alt.csv, sdn_comments.csv)
	FormatOFACXML      Format = "ofac-xml"          // OFAC classic SDN.XML / CONSOLIDATED.XML
	FormatOFACAdvanced Format = "ofac-advanced-xml" // OFAC SDN_ADVANCED.XML / CONS_ADVANCED.XML
	FormatUNXML        Format = "un-xml"            // UN Security Council consolidated XML
	FormatEUXML        Format = "eu-xml"            // EU Financial Sanctions Files XML 1.1
	FormatEUCSV        Format = "eu-csv"            // EU Financial Sanctions Files CSV 1.1
	FormatUKXML        Format = "uk-xml"            // UK FCDO sanctions list XML
	FormatUKCSV        Format = "uk-csv"            // UK FCDO sanctions list CSV
	FormatCSLCSV       Format = "csl-csv"           // US Consolidated Screening List CSV (trade.gov)
	FormatFTM          Format = "ftm-json"          // FollowTheMoney entities, one JSON object a line
)

// ErrUnknownFormat is returned when a file's content matches no format the
// catalog reads, or not one its source accepts.
var ErrUnknownFormat = errors.New("unknown list format")

// FileSpec is one file of a format: its logical name, its official URL
// and whether the source cannot be parsed without it.
type FileSpec struct {
	Name     string `json:"name"`
	URL      string `json:"url,omitempty"`
	Required bool   `json:"required"`
}

// FormatSpec is one way a source is published.
type FormatSpec struct {
	Format Format     `json:"format"`
	Files  []FileSpec `json:"files"`
}

// Source describes one list the catalog knows.
type Source struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Publisher string `json:"publisher"`
	// Formats lists the accepted formats; the first is the one updates
	// download.
	Formats []FormatSpec `json:"formats"`
	// Bundled says whether the binary carries a snapshot of the source.
	Bundled bool `json:"bundled"`
}

const sls = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

func ofacCSV(names ...string) FormatSpec {
	fs := FormatSpec{Format: FormatOFACCSV}
	for i, n := range names {
		// The main table, addresses and aliases are needed to make sense of
		// a party; the comments file only continues long remarks.
		fs.Files = append(fs.Files, FileSpec{Name: n, URL: sls + strings.ToUpper(n), Required: i < 3})
	}
	return fs
}

func one(f Format, name, url string) FormatSpec {
	return FormatSpec{Format: f, Files: []FileSpec{{Name: name, URL: url, Required: true}}}
}

// registry is every source the catalog knows, in display order. URLs are
// from the official publishers (docs/domain.md section 5.1).
var registry = []Source{
	{
		ID: "us_ofac_sdn", Name: "OFAC Specially Designated Nationals (SDN) List",
		Publisher: "US Treasury, Office of Foreign Assets Control", Bundled: true,
		Formats: []FormatSpec{
			ofacCSV("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"),
			one(FormatOFACXML, "sdn.xml", sls+"SDN.XML"),
			one(FormatOFACAdvanced, "sdn_advanced.xml", sls+"SDN_ADVANCED.XML"),
		},
	},
	{
		ID: "us_ofac_cons", Name: "OFAC Consolidated (non-SDN) Sanctions List",
		Publisher: "US Treasury, Office of Foreign Assets Control", Bundled: true,
		Formats: []FormatSpec{
			ofacCSV("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
			one(FormatOFACXML, "consolidated.xml", sls+"CONSOLIDATED.XML"),
			one(FormatOFACAdvanced, "cons_advanced.xml", sls+"CONS_ADVANCED.XML"),
		},
	},
	{
		ID: "un_sc", Name: "UN Security Council Consolidated List",
		Publisher: "United Nations Security Council", Bundled: true,
		Formats: []FormatSpec{one(FormatUNXML, "consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml")},
	},
	{
		ID: "eu_fsf", Name: "EU Financial Sanctions Files (consolidated list)",
		Publisher: "European Commission (FISMA)", Bundled: true,
		Formats: []FormatSpec{
			one(FormatEUXML, "eu_fsf.xml", "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"),
			one(FormatEUCSV, "eu_fsf.csv", "https://webgate.ec.europa.eu/fsd/fsf/public/files/csvFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"),
		},
	},
	{
		ID: "gb_fcdo", Name: "UK Sanctions List",
		Publisher: "UK Foreign, Commonwealth & Development Office", Bundled: true,
		Formats: []FormatSpec{
			one(FormatUKXML, "uk_sanctions_list.xml", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"),
			one(FormatUKCSV, "uk_sanctions_list.csv", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"),
		},
	},
	{
		ID: "us_csl", Name: "US Consolidated Screening List (Entity List, DPL, UVL, MEU and others)",
		Publisher: "US International Trade Administration (trade.gov)", Bundled: true,
		Formats: []FormatSpec{one(FormatCSLCSV, "consolidated.csv", "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv")},
	},
}

// ftmID is the shape of a user-chosen FollowTheMoney source id.
var ftmID = regexp.MustCompile(`^ftm_[a-z0-9_]{1,40}$`)

// Registry returns every source the catalog knows by default, in display
// order. FollowTheMoney sources ("ftm_<name>") exist once imported.
func Registry() []Source { return slices.Clone(registry) }

// Lookup returns the source with id, including well-formed FollowTheMoney
// ids ("ftm_<name>").
func Lookup(id string) (Source, bool) { return lookup(id) }

// lookup returns the source with id. FollowTheMoney ids are accepted for
// any well-formed name; they are never bundled and have no download URL,
// since OpenSanctions data is CC BY-NC and must be chosen by the user.
func lookup(id string) (Source, bool) {
	for _, s := range registry {
		if s.ID == id {
			return s, true
		}
	}
	if ftmID.MatchString(id) {
		return Source{
			ID: id, Name: "FollowTheMoney import " + strings.TrimPrefix(id, "ftm_"),
			Publisher: "user import (FollowTheMoney JSON lines)",
			Formats:   []FormatSpec{one(FormatFTM, "entities.ftm.json", "")},
		}, true
	}
	return Source{}, false
}

// format returns the spec of f for s.
func (s Source) format(f Format) (FormatSpec, bool) {
	for _, fs := range s.Formats {
		if fs.Format == f {
			return fs, true
		}
	}
	return FormatSpec{}, false
}

func (s Source) formatNames() string {
	var names []string
	for _, fs := range s.Formats {
		names = append(names, string(fs.Format))
	}
	return strings.Join(names, ", ")
}

// URLVar returns the environment variable that overrides the download URL
// of file of source, such as CHOKEPOINT_URL_US_OFAC_SDN_SDN_CSV.
func URLVar(source, file string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z':
				return r - 'a' + 'A'
			case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
				return r
			}
			return '_'
		}, s)
	}
	return "CHOKEPOINT_URL_" + clean(source) + "_" + clean(file)
}

// fileURL returns where to download file of source: under baseURL when it
// is set, else the override in urls (keyed by URLVar), else the official
// URL.
func fileURL(src Source, f FileSpec, baseURL string, urls map[string]string) string {
	if baseURL != "" {
		return strings.TrimRight(baseURL, "/") + "/" + src.ID + "/" + f.Name
	}
	if u := urls[URLVar(src.ID, f.Name)]; u != "" {
		return u
	}
	return f.URL
}

// Detected is what Detect found in a file.
type Detected struct {
	Format Format
	// Part is the file's role inside a multi-file format: for OFAC CSV,
	// 0 main table, 1 addresses, 2 aliases, 3 remark continuations.
	Part int
}

// Detect picks the format of a list file from its first bytes (a few KB
// are enough). It returns an error wrapping ErrUnknownFormat when nothing
// matches.
func Detect(head []byte) (Detected, error) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return Detected{}, fmt.Errorf("%w: file is empty", ErrUnknownFormat)
	}
	switch trimmed[0] {
	case '<':
		return detectXML(trimmed)
	case '{':
		if bytes.Contains(firstLine(trimmed), []byte(`"schema"`)) {
			return Detected{Format: FormatFTM}, nil
		}
		return Detected{}, fmt.Errorf("%w: JSON without a FollowTheMoney \"schema\" field", ErrUnknownFormat)
	}
	return detectCSV(trimmed)
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

func detectXML(head []byte) (Detected, error) {
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.Strict = false
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return Detected{}, fmt.Errorf("%w: XML without a recognisable root element", ErrUnknownFormat)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "sdnList":
			return Detected{Format: FormatOFACXML}, nil
		case "Sanctions":
			return Detected{Format: FormatOFACAdvanced}, nil
		case "CONSOLIDATED_LIST":
			return Detected{Format: FormatUNXML}, nil
		case "export":
			return Detected{Format: FormatEUXML}, nil
		case "Designations":
			return Detected{Format: FormatUKXML}, nil
		}
		return Detected{}, fmt.Errorf("%w: XML root element <%s>", ErrUnknownFormat, el.Name.Local)
	}
}

func detectCSV(head []byte) (Detected, error) {
	line := string(bytes.TrimRight(firstLine(head), "\r"))
	lower := strings.ToLower(line)
	switch {
	case strings.HasPrefix(lower, "_id,source,") || strings.HasPrefix(lower, "source,entity_number,") ||
		strings.Contains(lower, ",entity_number,") && strings.Contains(lower, "source_list_url"):
		return Detected{Format: FormatCSLCSV}, nil
	case strings.HasPrefix(lower, "report date:") ||
		strings.Contains(lower, "unique id") && strings.Contains(lower, "name 6"):
		return Detected{Format: FormatUKCSV}, nil
	case strings.Contains(line, "Entity_LogicalId") || strings.Contains(line, "fileGenerationDate"):
		return Detected{Format: FormatEUCSV}, nil
	}
	// OFAC legacy CSV has no header: the first field is the numeric
	// ent_num and the column count tells the table.
	r := csv.NewReader(bufio.NewReader(bytes.NewReader(head)))
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil && err != io.EOF || len(rec) == 0 {
		return Detected{}, fmt.Errorf("%w: not XML, JSON or CSV", ErrUnknownFormat)
	}
	if !isDigits(strings.TrimSpace(rec[0])) {
		return Detected{}, fmt.Errorf("%w: CSV whose first line is %.60q", ErrUnknownFormat, line)
	}
	switch len(rec) {
	case 12:
		return Detected{Format: FormatOFACCSV, Part: 0}, nil
	case 6:
		return Detected{Format: FormatOFACCSV, Part: 1}, nil
	case 5:
		return Detected{Format: FormatOFACCSV, Part: 2}, nil
	case 2:
		return Detected{Format: FormatOFACCSV, Part: 3}, nil
	}
	return Detected{}, fmt.Errorf("%w: headerless CSV with %d columns (OFAC tables have 12, 6, 5 or 2)", ErrUnknownFormat, len(rec))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
