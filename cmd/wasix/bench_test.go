package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// BenchmarkColdStart measures a whole process start of the CLI with a warm
// compile cache: `wasix run` against the wazero CLI (`wazero run`, found
// in $WAZERO or on PATH; skipped without it) on the same preview1
// programs, a small C one and a Go one. Each iteration starts both, in
// turns, so that a change of load on the machine hits both alike. It
// reports the median per start of each: wall time, CPU time (user+system,
// which a loaded machine disturbs less), peak RSS and minor page faults,
// and the ratios wasix / wazero, as testdata/rusage measures them.
// scripts/bench_cli.sh installs wazero and prints the ratios.
func BenchmarkColdStart(b *testing.B) {
	wazero := os.Getenv("WAZERO")
	if wazero == "" {
		wazero, _ = exec.LookPath("wazero")
	}
	if wazero == "" {
		b.Skip("no wazero CLI: set WAZERO or put it on PATH (scripts/bench_cli.sh installs it)")
	}
	dir := b.TempDir()
	wasixBin, rusage := filepath.Join(dir, "wasix"), filepath.Join(dir, "rusage")
	for bin, pkg := range map[string]string{wasixBin: ".", rusage: "./testdata/rusage"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	for _, prog := range []string{"probe_p1", "probe_go"} {
		wasm, err := filepath.Abs(filepath.Join(probes, "bin", prog+".wasm"))
		if err != nil {
			b.Fatal(err)
		}
		peers := [2][]string{
			{wasixBin, "run", "--cache-dir", filepath.Join(dir, "wasix-cache"), wasm, "pwd"},
			{wazero, "run", "-cachedir", filepath.Join(dir, "wazero-cache"), wasm, "pwd"},
		}
		b.Run(prog, func(b *testing.B) {
			// The first runs fill the caches.
			for _, cmd := range peers {
				if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", cmd, err, out)
				}
			}
			var wall, cpu, rss, faults [2][]float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k := range peers {
					p := (i + k) % 2 // who goes first alternates
					var stderr bytes.Buffer
					cmd := exec.Command(rusage, peers[p]...)
					cmd.Stderr = &stderr
					if err := cmd.Run(); err != nil {
						b.Fatalf("%v: %v\n%s", peers[p], err, stderr.Bytes())
					}
					// The last line: wall, user, system (ns), peak RSS (KiB), minor faults.
					var w, u, s, r, f float64
					line := stderr.Bytes()[bytes.LastIndex(stderr.Bytes(), []byte("rusage: ")):]
					if _, err := fmt.Sscanf(string(line), "rusage: %g %g %g %g %g", &w, &u, &s, &r, &f); err != nil {
						b.Fatalf("%v: %v\n%s", peers[p], err, stderr.Bytes())
					}
					wall[p], cpu[p] = append(wall[p], w), append(cpu[p], u+s)
					rss[p], faults[p] = append(rss[p], r), append(faults[p], f)
				}
			}
			b.StopTimer()
			for _, m := range []struct {
				name string
				v    [2][]float64
			}{{"wall-ns", wall}, {"cpu-ns", cpu}, {"rss-KiB", rss}, {"minflt", faults}} {
				x, z := median(m.v[0]), median(m.v[1])
				b.ReportMetric(x, "wasix-"+m.name)
				b.ReportMetric(z, "wazero-"+m.name)
				b.ReportMetric(x/z, m.name+"-ratio")
			}
		})
	}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
