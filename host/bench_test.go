package host_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wasix-go/wasix/host"
)

// The benchmarks run testdata/bench.wasm, which makes one host call b.N
// times in a loop, under this runtime and under wazero's own
// wasi_snapshot_preview1, so ns/op is the cost of one call (plus the run's
// set-up spread over b.N). The file benchmarks move a 64 MiB file b.N times
// through one run of the guest, 1 MiB per call, and through plain Go.
// scripts/bench.sh prints the ratios.

func benchWasm(b *testing.B) []byte {
	wasm, err := os.ReadFile("testdata/bench.wasm")
	if err != nil {
		b.Fatal(err)
	}
	return wasm
}

// runWasix runs bench.wasm with args under this runtime, b.N times over if
// perOp; the compiled module is reused.
func runWasix(b *testing.B, cfg host.Config, args func() []string, perOp bool) {
	ctx := context.Background()
	rt := newRuntime(b, host.RuntimeConfig{NoComputeInterrupts: true})
	mod, err := rt.Compile(ctx, benchWasm(b))
	if err != nil {
		b.Fatal(err)
	}
	defer mod.Close(ctx)
	runs := 1
	if perOp {
		runs = b.N
	}
	b.ResetTimer()
	for range runs {
		cfg.Args = args()
		code, err := rt.RunModule(ctx, mod, cfg)
		if err != nil || code != 0 {
			b.Fatalf("exit %d, %v", code, err)
		}
	}
}

// runWazero does the same as runWasix under wazero's own preview1.
func runWazero(b *testing.B, fsc wazero.FSConfig, args func() []string, perOp bool) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig())
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	compiled, err := rt.CompileModule(ctx, benchWasm(b))
	if err != nil {
		b.Fatal(err)
	}
	runs := 1
	if perOp {
		runs = b.N
	}
	b.ResetTimer()
	for range runs {
		cfg := wazero.NewModuleConfig().WithName("").WithArgs(args()...).WithFSConfig(fsc).
			WithStdout(io.Discard).WithSysNanotime()
		mod, err := rt.InstantiateModule(ctx, compiled, cfg)
		if err != nil {
			b.Fatal(err)
		}
		mod.Close(ctx)
	}
}

func BenchmarkClockTimeGet(b *testing.B) {
	b.Run("wasix", func(b *testing.B) {
		b.ReportAllocs()
		args := func() []string { return []string{"bench", "clock", strconv.Itoa(b.N)} }
		runWasix(b, host.Config{}, args, false)
	})
	b.Run("wazero", func(b *testing.B) {
		b.ReportAllocs()
		args := func() []string { return []string{"bench", "clock", strconv.Itoa(b.N)} }
		runWazero(b, wazero.NewFSConfig(), args, false)
	})
}

// BenchmarkFdWriteFile writes one byte per call to the same host file
// under both runtimes: each call is a write(2) on either side.
func BenchmarkFdWriteFile(b *testing.B) { benchFileCall(b, "write") }

// BenchmarkFdReadFile reads one byte per call from the same host file
// under both runtimes (past its end a read still calls read(2)).
func BenchmarkFdReadFile(b *testing.B) { benchFileCall(b, "read") }

func benchFileCall(b *testing.B, mode string) {
	dir := b.TempDir()
	// Every run starts from the same 4 KiB file: writes past its end
	// allocate blocks, and a run writing over what an earlier one wrote
	// would not (the runtime run first would pay for the other's).
	fresh := func(b *testing.B) {
		if err := os.WriteFile(filepath.Join(dir, "f.bin"), make([]byte, 4096), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("wasix", func(b *testing.B) {
		b.ReportAllocs()
		fresh(b)
		args := func() []string { return []string{"bench", mode, strconv.Itoa(b.N), "f.bin"} }
		runWasix(b, host.Config{Mounts: []host.Mount{{GuestPath: "/data", HostDir: dir}}}, args, false)
	})
	b.Run("wazero", func(b *testing.B) {
		b.ReportAllocs()
		fresh(b)
		args := func() []string { return []string{"bench", mode, strconv.Itoa(b.N), "f.bin"} }
		runWazero(b, wazero.NewFSConfig().WithDirMount(dir, "/data"), args, false)
	})
}

// fileMiB is the size of the file benchmarks, in MiB.
const fileMiB = 64

func BenchmarkFile64MiB(b *testing.B) {
	dir := b.TempDir()
	buf := make([]byte, 1<<20)
	// One run moves the file b.N times, as the native loop does.
	args := func(b *testing.B, mode string) func() []string {
		return func() []string { return []string{"bench", mode, strconv.Itoa(b.N), "f.bin"} }
	}
	mount := []host.Mount{{GuestPath: "/data", HostDir: dir}}
	// The read benchmarks may run alone (-bench File64MiB/read).
	if err := os.WriteFile(filepath.Join(dir, "f.bin"), make([]byte, fileMiB<<20), 0o644); err != nil {
		b.Fatal(err)
	}

	b.Run("write/wasix", func(b *testing.B) {
		b.SetBytes(fileMiB << 20)
		runWasix(b, host.Config{Mounts: mount}, args(b, "fwrite"), false)
	})
	b.Run("write/native", func(b *testing.B) {
		b.SetBytes(fileMiB << 20)
		for range b.N {
			f, err := os.Create(filepath.Join(dir, "f.bin"))
			if err != nil {
				b.Fatal(err)
			}
			for range fileMiB {
				if _, err := f.Write(buf); err != nil {
					b.Fatal(err)
				}
			}
			f.Close()
		}
	})
	b.Run("read/wasix", func(b *testing.B) {
		b.SetBytes(fileMiB << 20)
		runWasix(b, host.Config{Mounts: mount}, args(b, "fread"), false)
	})
	b.Run("read/native", func(b *testing.B) {
		b.SetBytes(fileMiB << 20)
		for range b.N {
			f, err := os.Open(filepath.Join(dir, "f.bin"))
			if err != nil {
				b.Fatal(err)
			}
			for {
				n, err := f.Read(buf)
				if n == 0 || err != nil {
					break
				}
			}
			f.Close()
		}
	})
}
