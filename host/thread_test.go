package host_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
)

// threadGuest reads a program of testdata/guests/threads/bin.
func threadGuest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "guests", "threads", "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var threadGens = []string{"2022", "seed", "current"}

func TestThreadsBasic(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, gen := range threadGens {
		t.Run(gen, func(t *testing.T) {
			t.Parallel()
			r := runGuest(t, rt, threadGuest(t, "threads_"+gen+".wasm"), host.Config{Args: []string{"threads", "basic"}})
			checkTAP(t, r, 0)
		})
	}
}

func TestWasiThreads(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	r := runGuest(t, rt, threadGuest(t, "wasi_threads.wasm"), host.Config{})
	if r.err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v (the status names the failed check)", r.code, r.err)
	}
}

// TestThreadEnds covers the ways a thread ends the process: proc_exit, a
// trap, a terminating signal, and the last thread after the main one
// called thread_exit.
func TestThreadEnds(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, gen := range threadGens {
		wasm := threadGuest(t, "threads_"+gen+".wasm")
		for mode, want := range map[string]uint32{"exit": 42, "raise-term": 143, "main-exit": 5} {
			r := runGuest(t, rt, wasm, host.Config{Args: []string{"threads", mode}})
			if r.err != nil || r.code != want {
				t.Errorf("%s %s: exit %d, %v; want %d\n%s", gen, mode, r.code, r.err, want, r.stdout)
			}
		}
		r := runGuest(t, rt, wasm, host.Config{Args: []string{"threads", "trap"}})
		var trap *host.TrapError
		if !errors.As(r.err, &trap) || !strings.Contains(r.err.Error(), "trapper") {
			t.Errorf("%s trap: exit %d, %v; want the thread's trap", gen, r.code, r.err)
		}
	}
}

func TestThreadLimit(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	r := runGuest(t, rt, threadGuest(t, "threads_seed.wasm"), host.Config{Args: []string{"threads", "limit"}, MaxThreads: 5})
	checkTAP(t, r, 0)
	if !strings.Contains(r.stdout, "# spawned 4\n") {
		t.Errorf("want 4 threads beside the main one:\n%s", r.stdout)
	}
}

// TestFutexStress runs 64 threads adding 1 100,000 times each under a
// futex lock and checks the exact total, six times (about 2 s); -short
// makes it 10,000 each.
func TestFutexStress(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	for i, gen := range append(threadGens, threadGens...) {
		r := runGuest(t, rt, threadGuest(t, "threads_"+gen+".wasm"),
			host.Config{Args: []string{"threads", "stress", "64", strconv.Itoa(n)}})
		checkTAP(t, r, 0)
		if want := "# total " + strconv.Itoa(64*n) + "\n"; !strings.Contains(r.stdout, want) {
			t.Fatalf("run %d (%s): want %q", i, gen, want)
		}
	}
}

// TestStdinInterrupted: a thread blocked reading stdin (a pipe that never
// brings anything) gets EINTR from a signal.
func TestStdinInterrupted(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	pr, pw := io.Pipe()
	defer pw.Close()
	r := runGuest(t, rt, threadGuest(t, "threads_current.wasm"), host.Config{Args: []string{"threads", "stdin-intr"}, Stdin: pr})
	checkTAP(t, r, 0)
}

// TestTrapSparesOtherRuns: a trap in a thread of one program leaves the
// programs running beside it on the same runtime alone.
func TestTrapSparesOtherRuns(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	wasm := threadGuest(t, "threads_seed.wasm")
	var wg sync.WaitGroup
	var basic result
	wg.Go(func() { basic = runGuest(t, rt, wasm, host.Config{Args: []string{"threads", "basic"}}) })
	for range 4 {
		if r := runGuest(t, rt, wasm, host.Config{Args: []string{"threads", "trap"}}); r.err == nil {
			t.Fatal("no trap")
		}
	}
	wg.Wait()
	checkTAP(t, basic, 0)
}

// readyWriter closes ready when the program prints "# ready".
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	once  sync.Once
	ready chan struct{}
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), "# ready") {
		w.once.Do(func() { close(w.ready) })
	}
	return len(p), nil
}

// signalRun runs a program that prints "# ready", sends it sig through
// Config.Signals once it is ready, and returns how it ended.
func signalRun(t *testing.T, rt *host.Runtime, wasm []byte, args []string, sig wasix.Signal, cfg host.Config) (uint32, error) {
	t.Helper()
	w := &readyWriter{ready: make(chan struct{})}
	sigs := make(chan wasix.Signal, 1)
	cfg.Args, cfg.Stdout, cfg.Signals = args, w, sigs
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		select {
		case <-w.ready:
			sigs <- sig
		case <-ctx.Done():
		}
	}()
	return rt.Run(ctx, wasm, cfg)
}

// TestSignalFromHost sends SIGINT from the embedder: a handler gets it
// (and exits 40+2), or the default action ends the program with 130, also
// one that computes without ever calling the runtime.
func TestSignalFromHost(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, gen := range threadGens {
		wasm := threadGuest(t, "threads_"+gen+".wasm")
		for _, c := range []struct {
			args []string
			want uint32
		}{
			{[]string{"threads", "wait-signal", "handler"}, 42},
			{[]string{"threads", "wait-signal"}, 130},
			{[]string{"threads", "spin"}, 130},
		} {
			code, err := signalRun(t, rt, wasm, c.args, wasix.SignalInt, host.Config{})
			if err != nil || code != c.want {
				t.Errorf("%s %v: exit %d, %v; want %d", gen, c.args, code, err, c.want)
			}
		}
	}
}

// TestThreadGuestsReproducible rebuilds the thread guests where the
// toolchain is installed and compares them with the committed ones.
func TestThreadGuestsReproducible(t *testing.T) {
	for _, tool := range []string{"make", "clang", "wasm-ld", "wat2wasm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "-B", "-C", filepath.Join("..", "testdata", "guests", "threads"), "BIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	for _, name := range []string{"threads_2022.wasm", "threads_seed.wasm", "threads_current.wasm", "wasi_threads.wasm"} {
		built, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, threadGuest(t, name)) {
			t.Errorf("%s differs from its source: run make in testdata/guests/threads", name)
		}
	}
}

// TestStopContinue: a stopped program keeps SIGINT until SIGCONT, then
// takes its default action.
func TestStopContinue(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	w := &readyWriter{ready: make(chan struct{})}
	sigs := make(chan wasix.Signal, 3)
	exited := make(chan uint32, 1)
	cfg := host.Config{Args: []string{"threads", "wait-signal"}, Stdout: w, Signals: sigs,
		OnExit: func(code uint32) { exited <- code }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type outcome struct {
		code uint32
		err  error
	}
	done := make(chan outcome, 1)
	go func() {
		code, err := rt.Run(ctx, threadGuest(t, "threads_seed.wasm"), cfg)
		done <- outcome{code, err}
	}()
	<-w.ready
	sigs <- wasix.SignalStop
	sigs <- wasix.SignalInt
	select {
	case code := <-exited:
		t.Fatalf("a stopped program ended (%d)", code)
	case <-time.After(50 * time.Millisecond):
	}
	sigs <- wasix.SignalCont
	if r := <-done; r.err != nil || r.code != 130 {
		t.Fatalf("exit %d, %v; want 130", r.code, r.err)
	}
	if code := <-exited; code != 130 {
		t.Fatalf("OnExit got %d", code)
	}
}
