package host_test

import (
	"context"
	"testing"

	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/wasmbin"
)

// BenchmarkCompileLegacyEH compiles sjlj.c built in the legacy encoding,
// which Compile translates after wazero refuses it, against the module
// that translation gives, compiled directly: the difference is what a
// legacy program pays at load (the refused validation and the
// translation). "exnref" is the same program built in the exnref encoding,
// for reference (it keeps the DWARF sections the translation drops, which
// wazero reads at each compile). "fresh" compiles each time; "cached"
// finds the machine code in the compilation cache, as a program run again
// does. scripts/bench_legacyeh.sh prints the ratios.
func BenchmarkCompileLegacyEH(b *testing.B) {
	legacy := ehGuest(b, "sjlj_legacy.wasm")
	translated, _, err := wasmbin.TranslateLegacyEH(legacy)
	if err != nil {
		b.Fatal(err)
	}
	builds := map[string][]byte{"exnref": ehGuest(b, "sjlj.wasm"), "legacy": legacy, "translated": translated}
	for _, cache := range []string{"fresh", "cached"} {
		for _, build := range []string{"exnref", "translated", "legacy"} {
			wasm := builds[build]
			b.Run(cache+"/"+build, func(b *testing.B) {
				ctx := context.Background()
				cfg := host.RuntimeConfig{NoComputeInterrupts: true}
				if cache == "cached" {
					cfg.CacheDir = b.TempDir()
				}
				rt, err := host.NewRuntime(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer rt.Close(ctx)
				if m, err := rt.Compile(ctx, wasm); err != nil {
					b.Fatal(err)
				} else {
					m.Close(ctx)
				}
				b.ResetTimer()
				for range b.N {
					m, err := rt.Compile(ctx, wasm)
					if err != nil {
						b.Fatal(err)
					}
					m.Close(ctx)
				}
			})
		}
	}
}
