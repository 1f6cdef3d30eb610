package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// helloWasm is the C hello (wasi-libc) the start-up figures use.
const helloWasm = "../../testdata/guests/proc/bin/hello.wasm"

// BenchmarkRunHello measures the part of a start that happens in the CLI
// itself, with a warm compile cache, so that a CPU profile of it
// (-cpuprofile) shows where a start goes: cli runs `wasix run hello.wasm`
// in-process (a new runtime each time, as the CLI does; what is left out
// is the loading of the binary and the Go runtime's and packages' start,
// which BenchmarkColdStart includes); warm runs the program again on one
// runtime, which keeps its host modules and compiled code.
func BenchmarkRunHello(b *testing.B) {
	hello, err := filepath.Abs(helloWasm)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cli", func(b *testing.B) {
		args := []string{"run", "--cache-dir", b.TempDir(), hello}
		if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if code := run(args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
				b.Fatalf("exit %d", code)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		ctx := context.Background()
		wasm, err := os.ReadFile(hello)
		if err != nil {
			b.Fatal(err)
		}
		rt, err := host.NewRuntime(ctx, host.RuntimeConfig{CacheDir: b.TempDir(), NoComputeInterrupts: true})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(ctx)
		m, err := rt.Compile(ctx, wasm)
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close(ctx)
		var out strings.Builder
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			out.Reset()
			code, err := rt.RunModule(ctx, m, host.Config{Args: []string{"hello"}, Stdout: &out})
			if err != nil || code != 0 || out.String() != "hello, world\n" {
				b.Fatalf("exit %d, %v, output %q", code, err, out.String())
			}
		}
	})
}
