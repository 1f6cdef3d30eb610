package host_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestWasix2022Compat runs a program of the 2022 libc (everything from
// wasix_32v1, no thread_spawn or proc_join) and checks what it expected of
// 2022 Wasmer: two-way pipes, thread_signal(0) to the main thread,
// fd_event's EFD_NONBLOCK, stdio as terminals, and an exec that closes all
// but stdio and the preopens (the program execs itself as "compat2022").
func TestWasix2022Compat(t *testing.T) {
	wasm := guest(t, "wasix2022_compat.wasm")
	rt := newRuntime(t, host.RuntimeConfig{})
	if err := rt.AddCommand(context.Background(), "compat2022", wasm); err != nil {
		t.Fatal(err)
	}
	r := runGuest(t, rt, wasm, host.Config{Args: []string{"compat2022"}})
	checkTAP(t, r, 0)
	for _, want := range []string{"ok - stdio is a character device", "ok - exec kept the preopen"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
}
