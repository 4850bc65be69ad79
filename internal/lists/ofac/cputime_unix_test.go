//go:build unix

package ofac_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, user and system,
// GC workers included. Benchmarks report it beside wall time because the
// shared build machines are often loaded, which inflates ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
