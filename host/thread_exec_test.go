package host_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasix-go/wasix/host"
)

// stampWriter records when each line was written.
type stampWriter struct {
	mu    sync.Mutex
	buf   strings.Builder
	lines map[string]time.Time // the first time each line came
}

func (w *stampWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if _, ok := w.lines[line]; !ok {
			w.lines[line] = time.Now()
		}
	}
	return len(b), nil
}

// TestExecEndsOtherThreads: an exec ends the other threads of the process
// before the new program starts, as POSIX does: one blocked in futex_wait,
// one calling the host in a loop (it never prints after the exec) and one
// computing (stopped by compute interrupts, so the exec does not wait out
// its grace).
func TestExecEndsOtherThreads(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	wasm := threadGuest(t, "threads_current.wasm")
	if err := rt.AddCommand(context.Background(), "threads", wasm); err != nil {
		t.Fatal(err)
	}
	out := &stampWriter{lines: map[string]time.Time{}}
	var errOut strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code, err := rt.Run(ctx, wasm, host.Config{Args: []string{"threads", "exec"}, Stdout: out, Stderr: &errOut})
	stdout := out.buf.String()
	if err != nil || code != 0 {
		t.Fatalf("code %d, err %v\nstdout:\n%s\nstderr:\n%s", code, err, stdout, errOut.String())
	}
	_, afterExec, ok := strings.Cut(stdout, "# exec\n")
	if !ok || !strings.Contains(stdout, "# tick\n") {
		t.Fatalf("the program did not tick and exec:\n%s", stdout)
	}
	// The ticker may tick between the note and the exec itself; once the
	// new program runs, nothing of the old one may print.
	if _, started, ok := strings.Cut(afterExec, "# after\n"); !ok || started != "# done\n" {
		t.Fatalf("after the exec, want only the new program's lines; got:\n%s", afterExec)
	}
	// The exec waits at most a second for threads it cannot stop; the
	// computing one must have been stopped, not waited out.
	if d := out.lines["# after"].Sub(out.lines["# exec"]); d > 900*time.Millisecond {
		t.Fatalf("the new program started %v after the exec", d)
	}
}
