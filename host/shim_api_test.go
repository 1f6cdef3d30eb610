package host_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// A pipeline of two sleeps is three processes: Pids lists them all, and
// SignalAll ends every one of them, not only the program the run started.
func TestPidsAndSignalAll(t *testing.T) {
	rt := procRuntime(t)
	sh := procGuest(t, "shell", "sh.wasm")
	type result struct {
		code uint32
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := rt.Run(context.Background(), sh, host.Config{Args: []string{"sh", "-c", "sleep 1000 | sleep 1000"}})
		done <- result{code, err}
	}()
	var pids []uint32
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if pids = rt.Pids(); len(pids) == 3 {
			break
		}
	}
	if len(pids) != 3 || pids[0] != 1 || !slices.IsSorted(pids) {
		t.Fatalf("Pids() = %v, want the shell (1) and its two children, in order", pids)
	}
	rt.SignalAll(wasix.SignalKill)
	select {
	case r := <-done:
		if r.err != nil || r.code != 128+9 {
			t.Fatalf("run ended with %d, %v; want 137 (SIGKILL)", r.code, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("SignalAll(SIGKILL) did not end the shell")
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if pids = rt.Pids(); len(pids) == 0 {
			return
		}
	}
	t.Fatalf("processes left after SIGKILL to all: %v", pids)
}

// Runtimes sharing a CodeCache run the same program side by side, and
// closing one of them leaves the cache to the others.
func TestSharedCodeCache(t *testing.T) {
	ctx := context.Background()
	cache, err := host.NewCodeCache("")
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close(ctx)
	box := procGuest(t, "shell", "box.wasm")
	run := func(rt *host.Runtime, word string) {
		t.Helper()
		var out strings.Builder
		code, err := rt.Run(ctx, box, host.Config{Args: []string{"echo", word}, Stdout: &out})
		if err != nil || code != 0 || out.String() != word+"\n" {
			t.Fatalf("echo %s: %d, %v, output %q", word, code, err, out.String())
		}
	}
	rt1, err := host.NewRuntime(ctx, host.RuntimeConfig{Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	rt2, err := host.NewRuntime(ctx, host.RuntimeConfig{Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer rt2.Close(ctx)
	run(rt1, "one")
	run(rt2, "two")
	if err := rt1.Close(ctx); err != nil {
		t.Fatal(err)
	}
	run(rt2, "three")
	rt3, err := host.NewRuntime(ctx, host.RuntimeConfig{Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer rt3.Close(ctx)
	run(rt3, "four")
}
