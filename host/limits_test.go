package host_test

import (
	"context"
	"os"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestMemoryStopsShortOf4GiB: a memory grows to 65,535 pages, its last byte
// works, and the next page is refused by memory.grow (a memory of exactly
// 65,536 pages traps on every access in wazero 1.12), for a memory the
// program defines and for an imported shared env.memory, both declaring a
// maximum of 65,536.
func TestMemoryStopsShortOf4GiB(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, name := range []string{"grow4g.wasm", "grow4g_import.wasm"} {
		t.Run(name, func(t *testing.T) {
			wasm, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			code, err := rt.Run(context.Background(), wasm, host.Config{})
			if err != nil || code != 0 {
				t.Fatalf("exit %d, %v (see testdata/grow4g.wat)", code, err)
			}
		})
	}
}

// TestMaxMemoryPagesRefusesGrow: under Config.MaxMemoryPages the grow to 65,535 pages
// already fails (exit 1 of grow4g), as a native malloc sees ENOMEM.
func TestMaxMemoryPagesRefusesGrow(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, name := range []string{"grow4g.wasm", "grow4g_import.wasm"} {
		wasm, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		code, err := rt.Run(context.Background(), wasm, host.Config{MaxMemoryPages: 256})
		if err != nil || code != 1 {
			t.Errorf("%s: exit %d, %v; want 1 (the grow refused)", name, code, err)
		}
	}
}
