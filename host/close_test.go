package host_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasix-go/wasix/host"
)

// Environment variables of the subprocesses of TestCloseUnderRunningGuests.
const (
	closeScenarioEnv = "WASIX_TEST_CLOSE_SCENARIO"
	cacheDirEnv      = "WASIX_TEST_CACHE_DIR"
)

// closeRounds is how many times each scenario runs, each in a subprocess
// of its own: the crash it guards against depends on timing.
const closeRounds = 20

// TestCloseUnderRunningGuests closes runtimes under programs that still
// run: a shell pipeline whose children block on pipe reads and are woken
// after the close, a program writing to its memory in a loop and a
// thread doing so, both compiled without compute interrupts. Freeing a
// memory under its code is a segmentation fault, which no recover
// catches, so each round runs in a subprocess of the test binary and a
// crash shows up as its failure.
func TestCloseUnderRunningGuests(t *testing.T) {
	if name := os.Getenv(closeScenarioEnv); name != "" {
		closeScenarios[name](t)
		return
	}
	for _, name := range []string{"pipe-children", "spin-memory", "spin-thread"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A few rounds at a time: a round of spin-thread lasts about
			// threadGrace, waiting for the run to give up on its thread.
			sem := make(chan struct{}, 4)
			var wg sync.WaitGroup
			for i := range closeRounds {
				sem <- struct{}{}
				wg.Go(func() {
					defer func() { <-sem }()
					cmd := exec.Command(os.Args[0], "-test.run=^TestCloseUnderRunningGuests$", "-test.count=1", "-test.v")
					// No collection either: a stop of the world would wait
					// forever for a goroutine spinning in guest code.
					cmd.Env = append(os.Environ(), closeScenarioEnv+"="+name, cacheDirEnv+"="+cacheDir, "GOGC=off")
					out, err := cmd.CombinedOutput()
					if err != nil {
						t.Errorf("round %d: the host did not survive Close: %v\n%s", i+1, err, lastLines(out, 30))
					}
				})
			}
			wg.Wait()
		})
	}
}

// closeScenarios each start programs, close the runtime under them and
// check that Close and the runs return.
var closeScenarios = map[string]func(t *testing.T){
	"pipe-children": func(t *testing.T) {
		rt := closeRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
		box := procGuest(t, "shell", "box.wasm")
		for _, name := range []string{"cat", "echo"} {
			if err := rt.AddCommand(context.Background(), name, box); err != nil {
				t.Fatal(err)
			}
		}
		stdin, feed, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer feed.Close()
		out := &firstWrite{seen: make(chan struct{})}
		run := goRun(rt, procGuest(t, "shell", "sh.wasm"), host.Config{
			Args: []string{"sh", "-c", "echo ready; cat | cat"}, Stdin: stdin, Stdout: out, Stderr: io.Discard})
		select {
		case <-out.seen:
		case <-time.After(30 * time.Second):
			t.Fatal("the shell printed nothing")
		}
		time.Sleep(50 * time.Millisecond) // the cats start, and block reading
		closeWithin(t, rt, 10*time.Second, 5*time.Second)
		// Data and the end of input for a child that would still run: it
		// would wake and write into a memory that is gone.
		_, _ = feed.WriteString("after close\n")
		feed.Close()
		time.Sleep(20 * time.Millisecond)
		waitRun(t, run, 5*time.Second)
	},
	"spin-memory": func(t *testing.T) {
		rt := closeRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
		wasm, err := os.ReadFile("testdata/spinmem.wasm")
		if err != nil {
			t.Fatal(err)
		}
		goRun(rt, wasm, host.Config{})
		time.Sleep(50 * time.Millisecond)
		// Nothing stops the loop: Close gives up at its deadline and
		// must leave the memory mapped.
		closeWithin(t, rt, 100*time.Millisecond, 5*time.Second)
		time.Sleep(50 * time.Millisecond) // the loop goes on over the memory
	},
	"spin-thread": func(t *testing.T) {
		rt := closeRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
		wasm, err := os.ReadFile("testdata/threadspin.wasm")
		if err != nil {
			t.Fatal(err)
		}
		stdin, feed, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer feed.Close()
		run := goRun(rt, wasm, host.Config{Stdin: stdin})
		time.Sleep(50 * time.Millisecond)
		closeWithin(t, rt, 100*time.Millisecond, 5*time.Second)
		_, _ = feed.WriteString("after close\n")
		time.Sleep(50 * time.Millisecond)
		// The main thread was blocked in a read: killed, it returns,
		// though its spinning thread never does.
		waitRun(t, run, 5*time.Second)
	},
}

// closeRuntime returns a runtime that the scenario closes itself.
func closeRuntime(t *testing.T, cfg host.RuntimeConfig) *host.Runtime {
	cfg.CacheDir = cacheDir
	rt, err := host.NewRuntime(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// goRun runs wasm on a goroutine; the channel is closed when the run
// returns.
func goRun(rt *host.Runtime, wasm []byte, cfg host.Config) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = rt.Run(context.Background(), wasm, cfg)
	}()
	return done
}

// closeWithin closes rt with a context ending after wait and fails the
// test if Close takes longer than limit.
func closeWithin(t *testing.T, rt *host.Runtime, wait, limit time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	_ = rt.Close(ctx)
	if d := time.Since(start); d > limit {
		t.Errorf("Close took %v", d)
	}
}

// waitRun fails the test if the run has not returned within limit.
func waitRun(t *testing.T, done <-chan struct{}, limit time.Duration) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(limit):
		t.Errorf("the run did not return %v after Close", limit)
	}
}

// firstWrite is a writer that closes seen on its first write.
type firstWrite struct {
	once sync.Once
	seen chan struct{}
}

func (w *firstWrite) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.seen) })
	return len(b), nil
}

// lastLines returns the last n lines of out.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
