#!/usr/bin/env bash
# idlepoll.sh CMD... runs CMD while one lowest-priority busy loop per core
# keeps the cores from going idle.
#
# Why: on a virtual machine without guest halt polling (cpuidle driver
# "none", as on the development VM), an idle vCPU halts and waking it can
# take tens of milliseconds. Under a moderate load the cores go idle between
# requests, and those wake-ups, not the server, set the latency tail: a
# ten-line net/http server (internal/api/testdata/hello) shows the same
# tail. Linux's cpuidle-haltpoll driver removes it by polling briefly
# before halting; these loops do the same from user space. At nice 19 a
# loop gets about 1.5% of a core while anything else wants it, and the
# kernel preempts it as soon as another thread wakes.
#
#   scripts/idlepoll.sh env CHOKEPOINT_LOAD=1 CHOKEPOINT_LOAD_RATE=5000 \
#     CHOKEPOINT_LOAD_URL=http://127.0.0.1:8080 go test -count=1 -run TestLoad -v ./internal/api/
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: scripts/idlepoll.sh CMD..." >&2
  exit 2
fi
pids=()
for _ in $(seq "$(nproc)"); do
  nice -n 19 bash -c 'while :; do :; done' &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
"$@"
