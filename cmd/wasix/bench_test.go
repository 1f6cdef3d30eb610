package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkColdStart measures a whole process start of the CLI with a warm
// compile cache: `wasix run` against the wazero CLI (`wazero run`, found
// in $WAZERO or on PATH; skipped without it) on the same preview1
// programs, a small C one and a Go one. scripts/bench_cli.sh installs
// wazero and prints the ratios.
func BenchmarkColdStart(b *testing.B) {
	wazero := os.Getenv("WAZERO")
	if wazero == "" {
		wazero, _ = exec.LookPath("wazero")
	}
	dir := b.TempDir()
	wasixBin := filepath.Join(dir, "wasix")
	if out, err := exec.Command("go", "build", "-o", wasixBin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, prog := range []string{"probe_p1", "probe_go"} {
		wasm, err := filepath.Abs(filepath.Join(probes, "bin", prog+".wasm"))
		if err != nil {
			b.Fatal(err)
		}
		for _, peer := range []struct {
			name string
			cmd  []string
		}{
			{"wasix", []string{wasixBin, "run", "--cache-dir", filepath.Join(dir, "wasix-cache"), wasm, "pwd"}},
			{"wazero", []string{wazero, "run", "-cachedir", filepath.Join(dir, "wazero-cache"), wasm, "pwd"}},
		} {
			b.Run(prog+"/"+peer.name, func(b *testing.B) {
				if peer.cmd[0] == "" {
					b.Skip("no wazero CLI: set WAZERO or put it on PATH (scripts/bench_cli.sh installs it)")
				}
				// The first run fills the cache.
				if out, err := exec.Command(peer.cmd[0], peer.cmd[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", peer.cmd, err, out)
				}
				b.ResetTimer()
				var cpu time.Duration
				for i := 0; i < b.N; i++ {
					cmd := exec.Command(peer.cmd[0], peer.cmd[1:]...)
					if err := cmd.Run(); err != nil {
						b.Fatal(err)
					}
					cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
				// The CPU time a start costs, which a loaded machine
				// disturbs less than the wall time.
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
