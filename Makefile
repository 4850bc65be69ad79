# Targets mirror .ci/run; see README.md.
.PHONY: build test test-pg race lint fuzz bench eval

build:
	go build -o chokepoint ./cmd/chokepoint
	CGO_ENABLED=0 go build -o /dev/null ./cmd/chokepoint

test:
	go test ./...

# The store tests on a throw-away PostgreSQL (Debian's postgresql package),
# as .ci/run does.
test-pg:
	d=$$(mktemp -d) && dsn=$$(scripts/pg-throwaway.sh start $$d 55433) && \
	CHOKEPOINT_TEST_POSTGRES=$$dsn go test ./internal/store/... ./internal/parties/ ./cmd/chokepoint/; \
	rc=$$?; scripts/pg-throwaway.sh stop $$d; rm -rf $$d; exit $$rc

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
