package host_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// benchVforkExec runs vforkexec (vfork, exec "true", join) for b.N rounds
// in one run and reports the guest's time per round and the host
// process's peak resident memory during the run (Linux; the peak is reset
// first where /proc/self/clear_refs allows it).
func benchVforkExec(b *testing.B, program string) {
	rt := procRuntime(b)
	wasm := procGuest(b, "proc", program)
	var out bytes.Buffer
	if _, err := rt.Run(context.Background(), wasm, host.Config{Args: []string{"vforkexec", "2"}, Stdout: &out, Stderr: &out}); err != nil {
		b.Fatal(err, out.String())
	}
	out.Reset()
	resetPeakRSS()
	b.ResetTimer()
	code, err := rt.Run(context.Background(), wasm, host.Config{Args: []string{"vforkexec", strconv.Itoa(b.N)}, Stdout: &out, Stderr: &out})
	b.StopTimer()
	if err != nil || code != 0 {
		b.Fatalf("code %d, %v: %s", code, err, out.String())
	}
	f := strings.Fields(out.String())
	if len(f) < 3 {
		b.Fatalf("unexpected output %q", out.String())
	}
	ns, _ := strconv.ParseFloat(f[2], 64)
	b.ReportMetric(ns, "guest-ns/op")
	if kb := peakRSSKiB(); kb > 0 {
		b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
	}
}

// resetPeakRSS sets the kernel's peak RSS mark (VmHWM) to the current RSS.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSKiB reads VmHWM from /proc/self/status, or 0.
func peakRSSKiB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// BenchmarkVforkExec4GiB: vfork+exec+join from a parent whose shared
// memory may grow to 4 GiB.
func BenchmarkVforkExec4GiB(b *testing.B) { benchVforkExec(b, "vforkexec_4g.wasm") }

// BenchmarkVforkExec64MiB: the same from a parent limited to 64 MiB.
func BenchmarkVforkExec64MiB(b *testing.B) { benchVforkExec(b, "vforkexec_64m.wasm") }
