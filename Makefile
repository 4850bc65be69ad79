# Targets mirror .ci/run; see README.md.
.PHONY: build test lint fuzz bench eval

build:
	go build -o chokepoint ./cmd/chokepoint
	CGO_ENABLED=0 go build -o /dev/null ./cmd/chokepoint

test:
	go test ./...

race:
	go test -race ./...

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	go vet ./...

fuzz:
	bash scripts/fuzz.sh 10s

bench:
	go test -run '^$$' -bench . -benchmem ./internal/...

eval:
	go run ./cmd/chokepoint eval --errors
