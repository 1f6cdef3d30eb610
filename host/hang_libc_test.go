package host_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// hangDir holds the wasix-libc guests of the hang tests.
var hangDir = filepath.Join("..", "testdata", "guests", "hang")

// TestLibcJoinEnds runs a wasix-libc program whose main thread waits in
// pthread_join (memory.atomic.wait32 inside the libc) while its thread
// exits, traps or blocks in pthread_cond_wait, and ends it each way a
// process ends.
func TestLibcJoinEnds(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(hangDir, "bin", "join.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	kill := make(chan wasix.Signal, 1)
	kill <- wasix.SignalKill
	for _, tc := range []struct {
		mode     string
		signals  <-chan wasix.Signal
		deadline bool
		check    func(code uint32, err error) bool
	}{
		{mode: "exit", check: func(code uint32, err error) bool { return err == nil && code == 7 }},
		{mode: "trap", check: func(_ uint32, err error) bool { return isTrap(err) }},
		{mode: "block", signals: kill, check: func(code uint32, err error) bool { return err == nil && code == 128+9 }},
		{mode: "block", deadline: true, check: func(_ uint32, err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
			ctx := context.Background()
			if tc.deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
				defer cancel()
			}
			type ret struct {
				code uint32
				err  error
			}
			done := make(chan ret, 1)
			go func() {
				var out bytes.Buffer
				code, err := rt.Run(ctx, wasm, host.Config{Args: []string{"join", tc.mode}, Stdout: &out, Signals: tc.signals})
				done <- ret{code, err}
			}()
			select {
			case r := <-done:
				if r.err != nil && strings.Contains(r.err.Error(), "proc_exit2") {
					t.Skip("the runtime does not link wasix-libc programs yet (proc_exit2, issue 10)")
				}
				if !tc.check(r.code, r.err) {
					t.Fatalf("run returned %d, %v", r.code, r.err)
				}
			case <-time.After(hangWatchdog):
				t.Fatal("the run did not end: pthread_join's wait was not reached")
			}
		})
	}
}

// TestHangGuestsFresh: the .sha256 beside each built guest is the hash of
// its source and the Makefile's CFLAGS, as make recorded it.
func TestHangGuestsFresh(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join(hangDir, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CFLAGS\s*:=\s*(.*)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("no CFLAGS in the Makefile")
	}
	src, err := os.ReadFile(filepath.Join(hangDir, "join.c"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append(append(src, bytes.TrimSpace(m[1])...), '\n'))
	rec, err := os.ReadFile(filepath.Join(hangDir, "bin", "join.wasm.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(rec)); got != hex.EncodeToString(sum[:]) {
		t.Errorf("bin/join.wasm was built from other sources or flags: run make in %s", hangDir)
	}
}
