//go:build !unix

package names

import "time"

// cpuTime is not measured on this platform; the benchmarks then report 0.
func cpuTime() time.Duration { return 0 }
