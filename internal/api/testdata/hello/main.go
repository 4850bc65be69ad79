// Command hello is the baseline for the load test: the smallest net/http
// server answering POST /v1/screen with a fixed body of the size of a
// no-match answer. What TestLoad measures against it is the machine, the
// kernel and net/http, not Chokepoint:
//
//	go run ./internal/api/testdata/hello -addr 127.0.0.1:18090
//	CHOKEPOINT_LOAD=1 CHOKEPOINT_LOAD_URL=http://127.0.0.1:18090 go test -run TestLoad -v ./internal/api/
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	body := `{"results":[{"id":"0","matches":[]}],"lists":{` + strings.Repeat(`"x":{"version":"2026-01-01+00000000","published":"2026-01-01","records":1},`, 5) +
		`"y":{"version":"2026-01-01+00000000","published":"2026-01-01","records":1}}}` + "\n"
	http.HandleFunc("POST /v1/screen", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
