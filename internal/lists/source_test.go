package lists

import (
	"errors"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func TestDetect(t *testing.T) {
	const s = "data/lists/official-samples/"
	tests := []struct {
		file string
		want Detected
	}{
		{s + "ofac-sdn-legacy-csv/sdn.csv", Detected{FormatOFACCSV, 0}},
		{s + "ofac-sdn-legacy-csv/add.csv", Detected{FormatOFACCSV, 1}},
		{s + "ofac-sdn-legacy-csv/alt.csv", Detected{FormatOFACCSV, 2}},
		{s + "ofac-sdn-legacy-csv/sdn_comments.csv", Detected{FormatOFACCSV, 3}},
		{s + "ofac-consolidated-nonsdn-csv/cons_prim.csv", Detected{FormatOFACCSV, 0}},
		{s + "ofac-consolidated-nonsdn-csv/cons_comments.csv", Detected{FormatOFACCSV, 3}},
		{s + "ofac-consolidated-nonsdn-xml-2018/consolidated.xml", Detected{FormatOFACXML, 0}},
		{s + "ofac-sdn-advanced-xml/sdn-advanced-excerpt-2026-09-09.xml", Detected{FormatOFACAdvanced, 0}},
		{s + "un-consolidated-xml/consolidated.xml", Detected{FormatUNXML, 0}},
		{s + "eu-fsf-xml/eu-fsf-excerpt-2026-08-05.xml", Detected{FormatEUXML, 0}},
		{s + "uk-sanctions-list-xml/uk-sanctions-list-excerpt-2026-09-10.xml", Detected{FormatUKXML, 0}},
		{s + "us-csl-csv/consolidated-excerpt.csv", Detected{FormatCSLCSV, 0}},
		{s + "us-csl-csv/csl-2019-legacy-format.csv", Detected{FormatCSLCSV, 0}},
		{"data/lists/watchman-testdata/test/testdata/bench/sdn.csv", Detected{FormatOFACCSV, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Detect(head(sharedtest.Read(t, tt.file)))
			if err != nil || got != tt.want {
				t.Errorf("Detect = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestDetectFTM(t *testing.T) {
	data := sharedtest.Read(t, "data/lists/opensanctions-fixtures/yente/t1/entities.ftm.json")
	if got, err := Detect(head(data)); err != nil || got.Format != FormatFTM {
		t.Errorf("Detect = %+v, %v; want %s", got, err, FormatFTM)
	}
}

func TestDetectUnknown(t *testing.T) {
	tests := []struct{ name, data string }{
		{"Empty", ""},
		{"Blank", " \r\n\t"},
		{"Text", "hello, world\n"},
		{"HTMLError", "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"},
		{"OtherXML", `<?xml version="1.0"?><rss version="2.0"></rss>`},
		{"PlainJSON", `{"error": "rate limited"}`},
		{"CSVHeader", "name,address,country\nACME,Main St,US\n"},
		{"OddColumns", "1,\"A\",\"B\"\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Detect([]byte(tt.data)); !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("Detect = %+v, %v; want ErrUnknownFormat", got, err)
			}
		})
	}
}

func FuzzDetect(f *testing.F) {
	seeds := []string{
		"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n",
		"25,25,\"Calle 1\",\"Havana\",\"Cuba\",-0- \r\n",
		"<?xml version=\"1.0\"?><CONSOLIDATED_LIST dateGenerated=\"2026-02-27\"></CONSOLIDATED_LIST>",
		"<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\" generationDate=\"2026-08-05\">",
		"_id,source,entity_number,type,programs,name\n",
		"{\"id\": \"x\", \"schema\": \"Person\", \"properties\": {}}\n",
		"Report Date: 13-Feb-2026\nLast Updated,Unique ID,Name 6\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Detect(data)
		if err != nil {
			if !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("error %v does not wrap ErrUnknownFormat", err)
			}
			return
		}
		if d.Format == "" || d.Part < 0 || d.Part > 3 {
			t.Fatalf("bad detection %+v", d)
		}
	})
}

// FuzzParseDetected feeds arbitrary bytes through what an import does
// before storing: detection, the format check and the parser the format
// names, with complete validation. Every input must end in a dataset that
// passed validation or an error, never a panic.
func FuzzParseDetected(f *testing.F) {
	for _, rel := range []string{
		"data/lists/official-samples/us-csl-csv/consolidated-excerpt.csv",
		"data/lists/official-samples/uk-sanctions-list-xml/uk-sanctions-list-excerpt-2026-09-10.xml",
		"data/lists/official-samples/eu-fsf-xml/eu-fsf-excerpt-2026-08-05.xml",
		"data/lists/official-samples/ofac-sdn-advanced-xml/sdn-advanced-excerpt-2026-09-09.xml",
		"data/lists/official-samples/un-consolidated-xml/consolidated.xml",
		"data/lists/official-samples/ofac-sdn-legacy-csv/sdn.csv",
		"data/lists/opensanctions-fixtures/yente/t1/entities.ftm.json",
	} {
		data := sharedtest.Read(f, rel)
		f.Add(data[:min(len(data), 4000)])
	}
	sourceOf := map[Format]string{
		FormatOFACCSV: "us_ofac_sdn", FormatOFACXML: "us_ofac_sdn", FormatOFACAdvanced: "us_ofac_sdn",
		FormatUNXML: "un_sc", FormatEUXML: "eu_fsf", FormatEUCSV: "eu_fsf", FormatUKXML: "gb_fcdo",
		FormatUKCSV: "gb_fcdo", FormatCSLCSV: "us_csl", FormatFTM: "ftm_fuzz",
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Detect(head(data))
		if err != nil {
			return
		}
		src, ok := lookup(sourceOf[d.Format])
		if !ok {
			t.Fatalf("no source for format %s", d.Format)
		}
		fs, _ := src.format(d.Format)
		files := parse.Files{fs.Files[d.Part].Name: data}
		if _, err := checkFormat(src, d.Format, files); err != nil {
			return
		}
		ds, err := parseChecked(src.ID, d.Format, files)
		if err == nil && (ds == nil || len(ds.Entities) == 0) {
			t.Fatalf("%s: no error and no entities", d.Format)
		}
	})
}
