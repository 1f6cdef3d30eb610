package host_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestCloseRacesCompileAndRun closes runtimes while goroutines compile and
// run programs (with a thread) on them in a loop. wazero's store panics
// when it is used after its Close; the runtime must instead answer
// ErrClosed (or the run's own error) to every call that races Close or
// follows it. Whatever the interleaving, the outcome checked is the same.
func TestCloseRacesCompileAndRun(t *testing.T) {
	threaded, err := os.ReadFile("testdata/threadwait.wasm")
	if err != nil {
		t.Fatal(err)
	}
	spin, err := os.ReadFile("testdata/spinmem.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 8; round++ {
		rt, err := host.NewRuntime(context.Background(), host.RuntimeConfig{CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		started := make(chan struct{}, 4)
		for g := 0; g < 4; g++ {
			wg.Go(func() {
				first := true
				for {
					var err error
					if g%2 == 0 {
						_, err = rt.Run(context.Background(), threaded, host.Config{Args: []string{"w", "a", "b"}})
					} else {
						var m *host.Module
						if m, err = rt.Compile(context.Background(), spin); err == nil {
							_ = m.Close(context.Background())
						}
					}
					if first {
						started <- struct{}{}
						first = false
					}
					if errors.Is(err, host.ErrClosed) {
						return
					}
				}
			})
		}
		for range 4 {
			<-started
		}
		if err := rt.Close(context.Background()); err != nil {
			t.Errorf("round %d: Close: %v", round, err)
		}
		wg.Wait()
		if _, err := rt.Compile(context.Background(), spin); !errors.Is(err, host.ErrClosed) {
			t.Errorf("Compile after Close: %v", err)
		}
		if _, err := rt.Run(context.Background(), threaded, host.Config{}); !errors.Is(err, host.ErrClosed) {
			t.Errorf("Run after Close: %v", err)
		}
	}
}
