package host_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/fuzzguest"
)

// TestFuzzCalls runs internal/fuzzguest's programs, which call every
// import of a generation that cannot block or end them with random,
// edge-biased arguments, against a runtime with a host directory mounted:
// each must make all its calls and exit with fuzzguest.Completed. A Go
// panic in a host function would end it as a trap instead.
//
// go test runs 4,000 calls per generation; WASIX_FUZZ_CALLS=N makes it N
// per generation (scripts/fuzz_calls.sh runs 10 million in all), and
// WASIX_FUZZ_SEED picks the first seed.
func TestFuzzCalls(t *testing.T) {
	perGen := uint64(4000)
	if s := os.Getenv("WASIX_FUZZ_CALLS"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		perGen = n
	}
	seed := uint64(0x9e3779b97f4a7c15)
	if s := os.Getenv("WASIX_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil || n == 0 {
			t.Fatalf("WASIX_FUZZ_SEED: %q", s)
		}
		seed = n
	}
	const perRun = 200_000 // a fresh process (and fresh files) every so often
	var total uint64
	start := time.Now()
	for _, gen := range []abi.Generation{abi.Preview1, abi.Wasix2022, abi.WasixSeed, abi.WasixCurrent} {
		for done := uint64(0); done < perGen; {
			n := min(perRun, perGen-done)
			seed = seed*6364136223846793005 + 1442695040888963407
			if seed == 0 {
				seed = 1
			}
			wasm, err := fuzzguest.Generate(gen, seed, n)
			if err != nil {
				t.Fatal(err)
			}
			rt := newRuntime(t, host.RuntimeConfig{MaxMemFSBytes: 32 << 20, MaxHostFDs: 512})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a failure guard only
			code, err := rt.Run(ctx, wasm, host.Config{
				Args:   []string{"fuzz", "a", "b"},
				Env:    []string{"A=1"},
				ABI:    host.ABI(gen.String()),
				Stdout: io.Discard, Stderr: io.Discard,
				Mounts: []host.Mount{{GuestPath: "/h", HostDir: t.TempDir()}},
			})
			cancel()
			rt.Close(context.Background())
			if err != nil || code != fuzzguest.Completed {
				t.Fatalf("%s, seed %#x, %d calls: exit %d, %v", gen, seed, n, code, err)
			}
			done += n
			total += n
		}
	}
	t.Logf("%d calls, 0 host panics, %.0f calls/s", total, float64(total)/time.Since(start).Seconds())
}
