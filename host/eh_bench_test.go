package host_test

import (
	"context"
	"io"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// BenchmarkExceptionsFeature compiles and runs compute_plain.wasm, a
// compute-bound program built without exceptions, with the runtime's
// exception handling feature on (as always) and off: the two must be the
// same, since the feature changes nothing for programs without exception
// instructions. scripts/bench_eh.sh prints the ratios.
func BenchmarkExceptionsFeature(b *testing.B) {
	wasm := ehGuest(b, "compute_plain.wasm")
	for _, mode := range []string{"on", "off"} {
		with := func(f func()) { f() }
		if mode == "off" {
			with = host.WithoutExceptionsForTest
		}
		b.Run("compile/"+mode, func(b *testing.B) {
			with(func() {
				ctx := context.Background()
				// No cache: the compile itself is measured.
				rt, err := host.NewRuntime(ctx, host.RuntimeConfig{NoComputeInterrupts: true})
				if err != nil {
					b.Fatal(err)
				}
				defer rt.Close(ctx)
				b.ResetTimer()
				for range b.N {
					m, err := rt.Compile(ctx, wasm)
					if err != nil {
						b.Fatal(err)
					}
					m.Close(ctx)
				}
			})
		})
		b.Run("run/"+mode, func(b *testing.B) {
			with(func() {
				ctx := context.Background()
				rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true, CacheDir: b.TempDir()})
				m, err := rt.Compile(ctx, wasm)
				if err != nil {
					b.Fatal(err)
				}
				defer m.Close(ctx)
				b.ResetTimer()
				for range b.N {
					// 200 rounds over 16 KiB: a few ms of pure computation.
					// A small memory limit: the run measures computation, not
					// the making of a 4 GiB memory.
					code, err := rt.RunModule(ctx, m, host.Config{Args: []string{"compute", "2000"}, Stdout: io.Discard, MaxMemoryPages: 256})
					if err != nil || code != 0 {
						b.Fatalf("exit %d, %v", code, err)
					}
				}
			})
		})
	}
}
