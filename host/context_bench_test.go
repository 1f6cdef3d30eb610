package host_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// BenchmarkContextSwitch measures context_switch round trips between the
// main context and another one of a wasixcc-built guest (guest), and the
// native reference: the same handoff between two goroutines over channels
// (native). Each reports ns/switch (half a round trip); the guest's figure
// is its own clock's, so the program's start is not counted.
// scripts/bench_context.sh prints the ratio.
func BenchmarkContextSwitch(b *testing.B) {
	b.Run("guest", func(b *testing.B) {
		rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
		wasm := currentGuest(b, "context.wasm")
		n := max(b.N, 1000)
		var out strings.Builder
		code, err := rt.Run(b.Context(), wasm, host.Config{
			Args:           []string{"context", "pingpong", strconv.Itoa(n)},
			Stdout:         &out,
			MaxMemoryPages: currentPages,
		})
		if err != nil || code != 0 {
			b.Fatalf("%d %v\n%s", code, err, out.String())
		}
		_, v, ok := strings.Cut(out.String(), "# ns per switch ")
		ns, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || perr != nil {
			b.Fatalf("no figure in %q", out.String())
		}
		b.ReportMetric(ns, "ns/switch")
	})
	b.Run("native", func(b *testing.B) {
		toCtx, toMain := make(chan struct{}, 1), make(chan struct{}, 1)
		go func() {
			for range toCtx {
				toMain <- struct{}{}
			}
		}()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			toCtx <- struct{}{}
			<-toMain
		}
		b.StopTimer()
		close(toCtx)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/switch")
	})
}
