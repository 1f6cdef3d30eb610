//go:build unix && !netbsd

package kernel

import "golang.org/x/sys/unix"

// hostCPUTime returns the CPU time the host process has used, in
// nanoseconds, and whether the host can tell.
func hostCPUTime() (int64, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return ts.Nano(), true
}
