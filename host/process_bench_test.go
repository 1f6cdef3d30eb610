package host_test

import (
	"bytes"
	"context"

	"strconv"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// benchProc runs forkbench with mode for b.N rounds in one run and
// reports the guest's own time per round (fork or spawn, then join), so
// that compiling and starting the program is left out.
func benchProc(b *testing.B, program, mode string) {
	rt := procRuntime(b)
	wasm := procGuest(b, "proc", program)
	// Compile (and warm the command cache) outside the timing.
	var out bytes.Buffer
	if _, err := rt.Run(context.Background(), wasm, host.Config{Args: []string{"forkbench", mode, "2"}, Stdout: &out, Stderr: &out}); err != nil {
		b.Fatal(err, out.String())
	}
	b.ResetTimer()
	out.Reset()
	cpu0 := cpuTime()
	code, err := rt.Run(context.Background(), wasm, host.Config{Args: []string{"forkbench", mode, strconv.Itoa(b.N)}, Stdout: &out, Stderr: &out})
	b.StopTimer()
	// CPU time (user+system, the whole test process) tells costs apart
	// on a loaded machine, where wall time mostly measures the others.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	if err != nil || code != 0 {
		b.Fatalf("code %d, %v: %s", code, err, out.String())
	}
	f := strings.Fields(out.String())
	if len(f) < 3 {
		b.Fatalf("unexpected output %q", out.String())
	}
	ns, _ := strconv.ParseFloat(f[2], 64)
	b.ReportMetric(ns, "guest-ns/op")
}

// BenchmarkFork1MiB: fork+join of a program of about 1 MiB of memory.
func BenchmarkFork1MiB(b *testing.B) { benchProc(b, "forkbench.wasm", "fork") }

// BenchmarkFork64MiB: fork+join of a program of about 64 MiB of memory.
func BenchmarkFork64MiB(b *testing.B) { benchProc(b, "forkbench64.wasm", "fork") }

// BenchmarkVfork1MiB: vfork+exit+join, no copy of memory.
func BenchmarkVfork1MiB(b *testing.B) { benchProc(b, "forkbench.wasm", "vfork") }

// BenchmarkSpawn: proc_spawn of a small program ("true") and join.
func BenchmarkSpawn(b *testing.B) { benchProc(b, "forkbench.wasm", "spawn") }

// BenchmarkFork256MiB: fork+join of a program of about 256 MiB of memory.
func BenchmarkFork256MiB(b *testing.B) { benchProc(b, "forkbench256.wasm", "fork") }

// BenchmarkForkShared1MiB: fork+join of forkbench built with an imported
// shared memory (max 64 MiB), as WASIX toolchains build programs.
func BenchmarkForkShared1MiB(b *testing.B) { benchProc(b, "forkbench_shm.wasm", "fork") }
