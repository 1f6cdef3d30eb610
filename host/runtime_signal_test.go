package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestCatchesSignals: a program that imports callback_signal can install a
// handler; a plain WASI one cannot (the CLI forwards Ctrl-C to it lazily).
func TestCatchesSignals(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, c := range []struct {
		file string
		want bool
	}{
		{filepath.Join("threads", "bin", "threads_current.wasm"), true},
		{filepath.Join("cli", "bin", "probe_p1.wasm"), false},
		{filepath.Join("cli", "bin", "probe_go.wasm"), false},
	} {
		wasm, err := os.ReadFile(filepath.Join("..", "testdata", "guests", c.file))
		if err != nil {
			t.Fatal(err)
		}
		m, err := rt.Compile(context.Background(), wasm)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.CatchesSignals(); got != c.want {
			t.Errorf("%s: CatchesSignals %v, want %v", c.file, got, c.want)
		}
		m.Close(context.Background())
	}
}
