#!/usr/bin/env bash
# Runs every Fuzz target in the module for a while (default 10s each).
# Usage: scripts/fuzz.sh [DURATION|COUNTx]
# CI gives a count of executions (such as 10000x) rather than a duration:
# a duration can expire while the fuzzer minimises a new input, which Go
# reports as a failure ("context deadline exceeded") with nothing wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
t="${1:-10s}"
case "$t" in
  *x) minimize=100x ;;
  *) minimize=1s ;;
esac
status=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $target ($t)"
    if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$t" -fuzzminimizetime="$minimize" "$pkg" >/tmp/fuzz.$$ 2>&1; then
      cat /tmp/fuzz.$$; status=1
    fi
  done
done
rm -f /tmp/fuzz.$$
exit $status
