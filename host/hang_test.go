package host_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// hangWatchdog only guards against a test that would hang for good: every
// case below ends as soon as the runtime reaches the blocked thread.
const hangWatchdog = 60 * time.Second

// TestAtomicWaitEnds runs testdata/threadwait.wasm, whose main thread
// waits in memory.atomic.wait32 (or wait64) for a notify that never
// comes, and ends the process each way a process ends: the wait must
// return and the run with it. Compute interrupts are off, as in the CLI,
// so nothing but the runtime's own wait can end it.
func TestAtomicWaitEnds(t *testing.T) {
	wasm, err := os.ReadFile("testdata/threadwait.wasm")
	if err != nil {
		t.Fatal(err)
	}
	kill := func() <-chan wasix.Signal {
		c := make(chan wasix.Signal, 1)
		c <- wasix.SignalKill
		return c
	}
	term := func() <-chan wasix.Signal {
		c := make(chan wasix.Signal, 1)
		c <- wasix.SignalTerm
		return c
	}
	for _, tc := range []struct {
		name     string
		args     []string
		signals  func() <-chan wasix.Signal
		deadline bool
		close    bool
		code     uint32
		check    func(error) bool
	}{
		{name: "trap in a thread", args: []string{"w", "a"}, check: isTrap},
		{name: "proc_exit in a thread", args: []string{"w", "a", "b"}, code: 7},
		{name: "proc_exit in a thread, wait64", args: []string{"w", "a", "b", "c"}, code: 7},
		{name: "SIGKILL", args: []string{"w"}, signals: kill, code: 128 + 9},
		{name: "SIGTERM", args: []string{"w"}, signals: term, code: 128 + 15},
		{name: "context deadline", args: []string{"w"}, deadline: true,
			check: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{name: "Runtime.Close", args: []string{"w"}, close: true, check: func(error) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
			ctx := context.Background()
			if tc.deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
			}
			cfg := host.Config{Args: tc.args}
			if tc.signals != nil {
				cfg.Signals = tc.signals()
			}
			type ret struct {
				code uint32
				err  error
			}
			done := make(chan ret, 1)
			started := make(chan struct{})
			go func() {
				m, err := rt.Compile(ctx, wasm)
				if err != nil {
					close(started)
					done <- ret{0, err}
					return
				}
				close(started)
				code, err := rt.RunModule(ctx, m, cfg)
				done <- ret{code, err}
			}()
			if tc.close {
				<-started
				go rt.Close(context.Background())
			}
			select {
			case r := <-done:
				if tc.check != nil {
					if !tc.check(r.err) {
						t.Fatalf("run returned %d, %v", r.code, r.err)
					}
					return
				}
				if r.err != nil || r.code != tc.code {
					t.Fatalf("run returned %d, %v; want %d", r.code, r.err, tc.code)
				}
			case <-time.After(hangWatchdog):
				t.Fatalf("the run did not end: a thread blocked in memory.atomic.wait was not reached")
			}
		})
	}
}

func isTrap(err error) bool {
	var trap *host.TrapError
	return errors.As(err, &trap)
}
