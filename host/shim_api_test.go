package host_test

import (
	"context"
	"slices"
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
