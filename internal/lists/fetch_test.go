package lists_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// silentServer answers nothing at all, or, with after > 0, sends the
// headers and after bytes of the body and then nothing, until the client
// hangs up.
func silentServer(t *testing.T, body []byte, after int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if after > 0 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:after])
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestUpdateGivesUpOnSilentServer is issue 9 point 9: an update gives up
// on a server that stops answering, before and during the body, after the
// configured time, and keeps the served version.
func TestUpdateGivesUpOnSilentServer(t *testing.T) {
	t.Parallel()
	un := sharedtest.Read(t, unFile)
	for _, tt := range []struct {
		name  string
		after int
	}{{"NoAnswer", 0}, {"StallsInBody", 64 << 10}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := silentServer(t, un, tt.after)
			c := open(t, t.TempDir(), lists.Options{Sources: []string{"un_sc"}})
			res, err := c.Update(context.Background(), lists.UpdateOptions{Sources: []string{"un_sc"}, BaseURL: srv.URL, Timeout: 300 * time.Millisecond})
			if err == nil || len(res) != 1 || res[0].Status != lists.StatusRefused {
				t.Fatalf("got %v (%v), want refused", res, err)
			}
			if !strings.Contains(res[0].Reason, "no answer for 300ms, giving up") {
				t.Errorf("reason %q does not say the server was silent for 300ms", res[0].Reason)
			}
			if got := status(t, c, "un_sc"); got.Origin != lists.OriginBundle {
				t.Errorf("serving %s from %s, want the bundle", got.Version, got.Origin)
			}
		})
	}
}

// TestUpdateProgress: a download draws a progress line naming the source
// and the file.
func TestUpdateProgress(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.set("un_sc", "consolidated.xml", sharedtest.Read(t, unFile))
	c := open(t, t.TempDir(), lists.Options{Sources: []string{"un_sc"}})
	var bar bytes.Buffer
	if _, err := c.Update(context.Background(), lists.UpdateOptions{Sources: []string{"un_sc"}, BaseURL: srv.URL, Progress: &bar, ForceProgress: true}); err != nil {
		t.Fatal(err)
	}
	if got := bar.String(); !strings.Contains(got, "un_sc consolidated.xml") || !strings.Contains(got, "KB") || !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("progress output %q: want a line naming un_sc consolidated.xml in KB, cleared at the end", got)
	}
	var quiet bytes.Buffer
	if _, err := c.Update(context.Background(), lists.UpdateOptions{Sources: []string{"un_sc"}, BaseURL: srv.URL, Progress: &quiet}); err != nil || quiet.Len() != 0 {
		t.Errorf("progress on a non-terminal wrote %q (%v)", quiet.String(), err)
	}
}
