// Command rusage runs a command and prints on stderr, after the command's
// own output, one line of what its process cost: wall time, user and
// system CPU time (ns), peak RSS (KiB) and minor page faults.
// BenchmarkColdStart starts the CLIs through it because a process started
// by a large one (the test binary) reports the large one's peak RSS as its
// own: os/exec starts a child sharing the parent's memory until it execs,
// and Linux counts the memory left behind at exec in the peak. This
// program is small, smaller than the processes it measures.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rusage:", err)
		os.Exit(1)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	fmt.Fprintf(os.Stderr, "rusage: %d %d %d %d %d\n", wall.Nanoseconds(),
		ru.Utime.Nano(), ru.Stime.Nano(), ru.Maxrss, ru.Minflt)
}
