package messages

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		for _, dir := range []string{examplesDir, "testdata"} {
			if data, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
				f.Add(data)
			}
		}
	}
}

// checkDocs: a parser returns documents or errors, never both for one
// message, and every error names where it is.
func checkDocs(t *testing.T, docs []*Document, errs Errors) {
	for _, e := range errs {
		if e.File == "" || e.Msg == "" {
			t.Fatalf("error without file or message: %+v", e)
		}
	}
	for _, d := range docs {
		if d.Kind == "" || d.Type == "" {
			t.Fatalf("document without kind or type: %+v", d)
		}
		d.Order() // must not panic
	}
}

func FuzzParseMT(f *testing.F) {
	seed(f, "mt103-listed-beneficiary.fin", "mt700-stm32-makhachkala.fin", "mt710.fin")
	f.Add([]byte(mt103))
	f.Add([]byte(mt202cov))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := ParseMT(data, "f.fin")
		checkDocs(t, docs, errs)
		for _, d := range docs {
			for _, ft := range d.FreeText {
				if ft.Text != string(data[ft.Loc.Start:ft.Loc.End]) {
					t.Fatalf("free text %q is not at its offsets", ft.Text)
				}
			}
		}
	})
}

func FuzzParseISO20022(f *testing.F) {
	seed(f, "pacs008-listed-agent.xml", "pacs009-cov.xml", "pain001.xml")
	f.Add([]byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn><GrpHdr><MsgId>1</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := ParseISO20022(data, "f.xml")
		checkDocs(t, docs, errs)
	})
}

func FuzzParseTrade(f *testing.F) {
	seed(f, "bl-listed-vessel.json", "invoice-clean.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := ParseTrade(data, "f.json", "")
		checkDocs(t, docs, errs)
		if len(docs) > 0 && !strings.Contains(string(data), "document") {
			t.Fatal("document without its document field")
		}
	})
}
