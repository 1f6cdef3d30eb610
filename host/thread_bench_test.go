package host_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// The thread benchmarks time inside the program, guest or native, so that
// the start of the process is left out: each prints "# ns <per operation>"
// and the benchmark reports that figure as its ns/op.

var nsLine = regexp.MustCompile(`(?m)^# ns (\d+)$`)

func reportNs(b *testing.B, out []byte) {
	b.Helper()
	m := nsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("no figure in the output:\n%s", out)
	}
	ns, _ := strconv.ParseFloat(string(m[1]), 64)
	b.ReportMetric(ns, "ns/op")
}

// benchGuest runs threads_current.wasm with args, with the count b.N.
func benchGuest(b *testing.B, mode string) {
	rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
	m, err := rt.Compile(context.Background(), threadGuest(b, "threads_current.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ResetTimer()
	code, err := rt.RunModule(context.Background(), m, host.Config{Args: []string{"threads", mode, strconv.Itoa(b.N)}, Stdout: &out})
	b.StopTimer()
	if err != nil || code != 0 {
		b.Fatalf("exit %d, %v\n%s", code, err, out.String())
	}
	reportNs(b, out.Bytes())
}

var native struct {
	once sync.Once
	path string
	err  error
}

// benchNative runs bench_native, built once with gcc.
func benchNative(b *testing.B, mode string) {
	native.once.Do(func() {
		if _, err := exec.LookPath("gcc"); err != nil {
			native.err = err
			return
		}
		native.path = filepath.Join(cacheDir, "bench_native") // removed by TestMain
		src := filepath.Join("..", "testdata", "guests", "threads", "bench_native.c")
		if out, err := exec.Command("gcc", "-O2", "-pthread", "-o", native.path, src).CombinedOutput(); err != nil {
			native.err = err
			b.Logf("%s", out)
		}
	})
	if native.err != nil {
		b.Skipf("no native program: %v", native.err)
	}
	b.ResetTimer()
	out, err := exec.Command(native.path, mode, strconv.Itoa(b.N)).Output()
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	reportNs(b, out)
}

// BenchmarkThreadSpawnJoin: one thread spawned and joined, in a loop (the
// goal is under 100 µs in the guest).
func BenchmarkThreadSpawnJoin(b *testing.B) {
	b.Run("guest", func(b *testing.B) { benchGuest(b, "bench-spawn") })
	b.Run("native", func(b *testing.B) { benchNative(b, "spawn") })
}

// BenchmarkFutexPingPong: one round trip of a token between two threads
// through futex wait and wake.
func BenchmarkFutexPingPong(b *testing.B) {
	b.Run("guest", func(b *testing.B) { benchGuest(b, "bench-pingpong") })
	b.Run("native", func(b *testing.B) { benchNative(b, "pingpong") })
}

// BenchmarkAtomicPingPong: one round trip of a token between two threads
// through the program's own memory.atomic.wait32 and notify: "host" as the
// runtime runs it, the instructions rewritten into host calls that the end
// of the process reaches; "wazero" with wazero's own wait and notify,
// which nothing but a notify ends. Process start is included, amortised
// over b.N rounds.
func BenchmarkAtomicPingPong(b *testing.B) {
	wasm, err := os.ReadFile("testdata/atomicpingpong.wasm")
	if err != nil {
		b.Fatal(err)
	}
	for _, rewrite := range []bool{true, false} {
		name := "host"
		if !rewrite {
			name = "wazero"
		}
		b.Run(name, func(b *testing.B) {
			host.SetRewriteAtomicWaits(rewrite)
			defer host.SetRewriteAtomicWaits(true)
			rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
			m, err := rt.Compile(context.Background(), wasm)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			code, err := rt.RunModule(context.Background(), m, host.Config{Args: []string{"pp", strconv.Itoa(b.N)}})
			if err != nil || code != 0 {
				b.Fatalf("exit %d, %v", code, err)
			}
		})
	}
}
