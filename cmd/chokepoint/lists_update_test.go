package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestListsUpdateErrorsOnce is issue 9 point 9: with a mirror that fails
// every download, each source's error is printed once (the result line),
// not again as a log line, at the default log level.
func TestListsUpdateErrorsOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"lists", "update", "--base-url", srv.URL}, strings.NewReader(""), &out, &errb,
		[]string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()})
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
	all := out.String() + errb.String()
	for _, src := range []string{"us_ofac_sdn", "us_ofac_cons", "un_sc", "eu_fsf", "gb_fcdo", "us_csl"} {
		url := srv.URL + "/" + src + "/"
		if n := strings.Count(all, url); n != 1 {
			t.Errorf("%s: its error appears %d times, want once:\n%s", src, n, all)
		}
	}
}

// TestListsUpdateTimeout: --timeout bounds the wait on a server that never
// answers.
func TestListsUpdateTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	code, out, errOut := runWith(t, []string{"CHOKEPOINT_DATA_DIR=" + t.TempDir()}, "lists", "update", "--source", "un_sc", "--base-url", srv.URL, "--timeout", "200ms")
	if code != 1 || !strings.Contains(out, "un_sc: refused: download consolidated.xml") || !strings.Contains(out, "no answer for 200ms, giving up") {
		t.Errorf("exit %d, stdout %q, stderr %q: want refused after 200ms of silence", code, out, errOut)
	}
	code, out, errOut = runWith(t, []string{"CHOKEPOINT_UPDATE_TIMEOUT=0.3s", "CHOKEPOINT_DATA_DIR=" + t.TempDir()}, "lists", "update", "--source", "un_sc", "--base-url", srv.URL)
	if code != 1 || !strings.Contains(out, "no answer for 300ms") {
		t.Errorf("with CHOKEPOINT_UPDATE_TIMEOUT=0.3s: exit %d, stdout %q, stderr %q: want refused after 300ms", code, out, errOut)
	}
}
