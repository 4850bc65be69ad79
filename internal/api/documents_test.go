package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// listedName returns a name of the fake engine's list with three words or
// more, written as a person's name in text.
func listedName(t *testing.T, f *fakeScreener) string {
	t.Helper()
	for _, e := range f.ds.Entities {
		if w := strings.Fields(e.Name); len(w) >= 3 && !strings.ContainsAny(e.Name, ",.'-()") {
			for i := range w {
				w[i] = w[i][:1] + strings.ToLower(w[i][1:])
			}
			return strings.Join(w, " ")
		}
	}
	t.Skip("no three-word name in the fake list")
	return ""
}

func TestScanDocument(t *testing.T) {
	s, fake := testServer(t, Deps{MaxBodyBytes: 2048})
	name := listedName(t, fake)
	text := "The envoy met " + name + " in Geneva, a reporter said. Shipments went via Bandar Anzali."
	code, body, res := do(s, "POST", "/v1/documents/scan", "text/plain; charset=utf-8", text)
	if code != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %q: %s", code, res.Header.Get("Content-Type"), body)
	}
	var out DocumentScanResponse
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range out.Mentions {
		if text[m.Start:m.End] != m.Text {
			t.Errorf("mention %q at %d-%d, body there %q", m.Text, m.Start, m.End, text[m.Start:m.End])
		}
		got = append(got, string(m.Kind)+" "+m.Text)
	}
	want := []string{"party " + name, "port Bandar Anzali"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("mentions %q, want %q", got, want)
	}
	if out.Format != "plain" || out.Bytes != len(text) || !strings.Contains(string(out.Lists), "un_sc") {
		t.Errorf("format %q bytes %d lists %s", out.Format, out.Bytes, out.Lists)
	}

	html := "<html><body><p>Paid to <b>" + name + "</b> &amp; co.</p></body></html>"
	code, body, _ = do(s, "POST", "/v1/documents/scan", "text/html", html)
	if code != 200 {
		t.Fatalf("html: %d %s", code, body)
	}
	out = DocumentScanResponse{}
	json.Unmarshal(body, &out)
	if len(out.Mentions) != 1 || out.Mentions[0].Text != name || html[out.Mentions[0].Start:out.Mentions[0].End] != name {
		t.Errorf("html mentions %+v, want %q at its offsets", out.Mentions, name)
	}
}

// TestScanDocumentHostile sends what a careless or hostile client might:
// each answer is a 4xx naming the problem, never a 500 or a partial
// result.
func TestScanDocumentHostile(t *testing.T) {
	s, _ := testServer(t, Deps{MaxBodyBytes: 1024})
	for _, tc := range []struct {
		name, ct, query, body string
		code                  int
		errCode               string
	}{
		{"json body", "application/json", "", `{"text":"x"}`, 415, "unsupported_media_type"},
		{"no content type", "", "", "text", 415, "unsupported_media_type"},
		{"latin-1", "text/plain; charset=iso-8859-1", "", "caf\xe9", 415, "unsupported_media_type"},
		{"invalid utf-8", "text/plain", "", "Alabuga \xff\xfe Machinery", 400, "invalid_utf8"},
		{"empty", "text/plain", "", " \n\t", 400, "empty_document"},
		{"too large", "text/plain", "", strings.Repeat("Alabuga ", 200), 413, "body_too_large"},
		{"bad threshold", "text/plain", "?threshold=2", "text", 400, "invalid_parameter"},
		{"bad min_score", "text/plain", "?min_score=abc", "text", 400, "invalid_parameter"},
		{"bad transshipment", "text/plain", "?transshipment=yes", "text", 400, "invalid_parameter"},
		{"unclosed markup", "text/html", "", "<p><script>alert(1)<!-- <b>&#xFFFFFFFF; &bogus;", 200, ""},
		{"nested markup", "text/html", "", strings.Repeat("<div>", 150), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, res := do(s, "POST", "/v1/documents/scan"+tc.query, tc.ct, tc.body)
			checkNever500(t, code, body, res)
			if code != tc.code {
				t.Fatalf("status %d, want %d: %s", code, tc.code, body)
			}
			if tc.errCode != "" && !strings.Contains(string(body), fmt.Sprintf("%q", tc.errCode)) {
				t.Errorf("body %s, want error code %s", body, tc.errCode)
			}
		})
	}
	big, _ := testServer(t, Deps{MaxBodyBytes: 1 << 20})
	code, body, _ := do(big, "POST", "/v1/documents/scan", "text/plain", strings.Repeat("Makhachkala ", maxMentions+1))
	if code != 422 || !strings.Contains(string(body), `"too_many_mentions"`) {
		t.Errorf("%d mentions: %d %.200s, want 422 too_many_mentions", maxMentions+1, code, body)
	}
	if code, body, _ := do(s, "GET", "/v1/documents/scan", "", ""); code != 405 {
		t.Errorf("GET: %d %s, want 405", code, body)
	}
	empty := newServer(Deps{Engine: NewEngine(nil)})
	if code, body, _ := do(empty, "POST", "/v1/documents/scan", "text/plain", "x"); code != 503 {
		t.Errorf("before the lists load: %d %s, want 503", code, body)
	}
}

func FuzzScanDocumentHandler(f *testing.F) {
	s, _ := testServer(f, Deps{MaxBodyBytes: 4096})
	f.Add("text/plain", "", []byte("Paid to Bandar Anzali, IMO 9187629, HS 8542.31"))
	f.Add("text/html; charset=utf-8", "?min_score=0.5", []byte("<p>x &amp; <b>y</b></p><script>z"))
	f.Add("text/plain", "?transshipment=true", []byte("\xff"))
	f.Fuzz(func(t *testing.T, ct, query string, body []byte) {
		if _, err := url.ParseRequestURI("/v1/documents/scan?" + query); err != nil || strings.ContainsAny(query, " #") {
			t.Skip() // not a request a client can send
		}
		code, out, res := do(s, "POST", "/v1/documents/scan?"+strings.TrimPrefix(query, "?"), ct, string(body))
		checkNever500(t, code, out, res)
		if code != 200 {
			return
		}
		var r DocumentScanResponse
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Mentions {
			if m.Start < 0 || m.End > len(body) || string(body[m.Start:m.End]) != m.Text {
				t.Fatalf("mention %+v does not point into the body", m)
			}
		}
	})
}
