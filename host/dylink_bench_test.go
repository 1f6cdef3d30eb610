package host_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/wasix-go/wasix/host"
)

// runDlbench runs dlbench (testdata/guests/eh) with args, b.N times over
// when perOp, else once with the count b.N; the program is compiled once.
// Its libraries are read from origin.
func runDlbench(b *testing.B, file string, origin fs.FS, perOp bool, args func() []string, before ...func(run func([]string))) {
	ctx := context.Background()
	rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
	m, err := rt.Compile(ctx, ehGuest(b, file))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close(ctx)
	// 16 MiB: enough for both (8 MiB of stack), and little to clear.
	cfg := host.Config{Origin: origin, MaxMemoryPages: 256}
	run := func(a []string) {
		cfg.Args = a
		code, err := rt.RunModule(ctx, m, cfg)
		if err != nil || code != 0 {
			b.Fatalf("exit %d, %v", code, err)
		}
	}
	// One run first: what a runtime compiles once (the linker's
	// generated modules, the libraries) is not start-up.
	run([]string{"dlbench", "start"})
	for _, f := range before {
		f(run)
	}
	runs := 1
	if perOp {
		runs = b.N
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for range runs {
		run(args())
	}
	if perOp {
		// CPU time (every thread of the process: the collector's too)
		// says more than wall time on a machine other jobs load.
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDylinkStartup: one run, from instantiation to exit, of a -pie
// main that needs three side modules (the linker places, links and
// relocates them and runs their constructors), against the same program
// linked statically. The libraries are read from host.DirFS, as the CLI
// reads them; pie_osdirfs reads them through os.DirFS (an embedder's
// likely choice). alternating runs both programs in one runtime, in
// blocks of 50 starts each in turn, b.N starts of each, and reports each
// one's time per start and the ratios: what runs before a benchmark in
// the process (its heap, its mappings) and the machine's load then sway
// the separate figures by more than the goal's margin.
// scripts/bench_eh.sh prints the ratios (goal: 1.5x).
func BenchmarkDylinkStartup(b *testing.B) {
	start := func() []string { return []string{"dlbench", "start"} }
	bin := filepath.Join(ehDir, "bin")
	b.Run("pie", func(b *testing.B) { runDlbench(b, "dlbench.wasm", host.DirFS(bin), true, start) })
	b.Run("pie_osdirfs", func(b *testing.B) { runDlbench(b, "dlbench.wasm", os.DirFS(bin), true, start) })
	b.Run("static", func(b *testing.B) { runDlbench(b, "dlbench_static.wasm", host.DirFS(bin), true, start) })
	b.Run("alternating", func(b *testing.B) {
		ctx := context.Background()
		rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
		var runs [2]func()
		for i, file := range []string{"dlbench.wasm", "dlbench_static.wasm"} {
			m, err := rt.Compile(ctx, ehGuest(b, file))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close(ctx)
			cfg := host.Config{Args: []string{"dlbench", "start"}, Origin: host.DirFS(bin), MaxMemoryPages: 256}
			runs[i] = func() {
				if code, err := rt.RunModule(ctx, m, cfg); err != nil || code != 0 {
					b.Fatalf("%s: exit %d, %v", file, code, err)
				}
			}
			runs[i]() // what a runtime compiles once is not start-up
		}
		var wall, cpu [2]time.Duration
		b.ResetTimer()
		for done := 0; done < b.N; done += 50 {
			for i, run := range runs {
				t0, c0 := time.Now(), cpuTime()
				for range min(50, b.N-done) {
					run()
				}
				wall[i] += time.Since(t0)
				cpu[i] += time.Duration(cpuTime() - c0)
			}
		}
		n := float64(b.N)
		b.ReportMetric(float64(wall[0])/n, "pie-ns")
		b.ReportMetric(float64(wall[1])/n, "static-ns")
		b.ReportMetric(float64(cpu[0])/n, "pie-cpu-ns")
		b.ReportMetric(float64(cpu[1])/n, "static-cpu-ns")
		b.ReportMetric(float64(wall[0])/float64(wall[1]), "x-wall")
		b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "x-cpu")
	})
}

// BenchmarkDylinkCall: one call of a side module's function, imported
// directly, through a pointer from dlsym, and with a dlsym before each
// call: b.N calls in one run. ns/op includes the run's start spread over
// them; ns/call is without it (a run of 0 calls, measured first, taken
// off), which scripts/bench_eh.sh compares.
func BenchmarkDylinkCall(b *testing.B) {
	for _, mode := range []string{"direct", "pointer", "dlsym"} {
		b.Run(mode, func(b *testing.B) {
			var startup time.Duration
			runDlbench(b, "dlbench.wasm", host.DirFS(filepath.Join(ehDir, "bin")), false, func() []string {
				return []string{"dlbench", mode, strconv.Itoa(b.N)}
			}, func(run func([]string)) {
				t0 := time.Now()
				run([]string{"dlbench", mode, "0"})
				startup = time.Since(t0)
			})
			b.ReportMetric(float64(b.Elapsed()-startup)/float64(b.N), "ns/call")
		})
	}
}
