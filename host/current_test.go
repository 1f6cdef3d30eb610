package host_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/host"
	"github.com/wasix-go/wasix/internal/abi"
	"github.com/wasix-go/wasix/internal/kernel"
)

// currentGuest reads a program of testdata/guests/current/bin, built with
// today's wasix-libc.
func currentGuest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "guests", "current", "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every program built with today's wasix-libc ends through proc_exit2;
// the status must be the program's whichever way it leaves.
func TestCurrentExit(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	wasm := currentGuest(t, "exit.wasm")
	for _, tc := range []struct {
		how     string
		code    uint32
		atexit  bool
		wantOut string
	}{
		{"_exit", 7, false, ""},
		{"_Exit", 0, false, ""},
		{"exit", 42, true, ""},
		{"return", 3, true, ""},
		{"exit", 256 + 5, true, ""},
	} {
		code := tc.code
		args := []string{"exit", tc.how, itoa(code)}
		r := runGuest(t, rt, wasm, host.Config{Args: args, MaxMemoryPages: currentPages})
		if r.err != nil {
			t.Fatalf("%v: %v", args, r.err)
		}
		if r.code != code {
			t.Errorf("%v: exit status %d, want %d\n%s%s", args, r.code, code, r.stdout, r.stderr)
		}
		want := "leaving by " + tc.how + " with " + itoa(code) + "\n"
		if tc.atexit {
			want += "atexit ran\n"
		}
		if r.stdout != want {
			t.Errorf("%v: stdout %q, want %q", args, r.stdout, want)
		}
	}
}

// currentPages bounds the memory of the tests' runs: wasixcc declares a
// shared memory of up to 4 GiB, which the runtime would reserve whole.
const currentPages = 1024

func itoa(n uint32) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// The programs of testdata/guests/current must be built from their
// sources as they are: each build records the flags and the sources'
// sha256 in NAME.wasm.stamp, and `make stamp-NAME` prints what it must
// say now (compiled bytes differ between compilers, so they are not
// compared).
func TestCurrentGuestsFresh(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("no sha256sum")
	}
	dir := filepath.Join("..", "testdata", "guests", "current")
	stamps, _ := filepath.Glob(filepath.Join(dir, "bin", "*.wasm.stamp"))
	wasms, _ := filepath.Glob(filepath.Join(dir, "bin", "*.wasm"))
	if len(stamps) != len(wasms) || len(wasms) == 0 {
		t.Errorf("%d programs, %d stamps in %s/bin", len(wasms), len(stamps), dir)
	}
	for _, s := range stamps {
		name := strings.TrimSuffix(filepath.Base(s), ".wasm.stamp")
		cmd := exec.Command("make", "-s", "stamp-"+name)
		cmd.Dir = dir
		now, err := cmd.Output()
		if err != nil {
			t.Errorf("make stamp-%s: %v", name, err)
			continue
		}
		recorded, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if string(now) != string(recorded) {
			t.Errorf("bin/%s.wasm is stale (its sources or flags changed): run make -C %s\nrecorded:\n%snow:\n%s", name, dir, recorded, now)
		}
	}
}

// Execution contexts (context_create/switch/destroy) in a program built
// with today's wasix-libc: ping-pong, a generator, a chain, stack memory
// kept per context, and the error cases of wasix/context.h.
func TestCurrentContexts(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{}) // compute interrupts on: contexts run with them too
	wasm := currentGuest(t, "context.wasm")
	cfg := func(args ...string) host.Config {
		return host.Config{Args: append([]string{"context"}, args...), MaxMemoryPages: currentPages}
	}
	checkTAP(t, runGuest(t, rt, wasm, cfg("checks")), 0)

	// A million switches (half a million round trips) through one context.
	r := runGuest(t, rt, wasm, cfg("pingpong", "500000"))
	if r.err != nil || r.code != 0 || !strings.Contains(r.stdout, "round trips 500000\n") {
		t.Errorf("pingpong: %d %v\n%s%s", r.code, r.err, r.stdout, r.stderr)
	}

	// exit in a context ends the process with its status, main parked.
	r = runGuest(t, rt, wasm, cfg("exit", "5"))
	if r.err != nil || r.code != 5 || r.stdout != "context exiting with 5\n" {
		t.Errorf("exit in a context: %d %v %q %q", r.code, r.err, r.stdout, r.stderr)
	}

	// An entry that returns, or traps, traps the main context (Wasmer's
	// behaviour): main never goes on.
	for _, mode := range []string{"return", "trap"} {
		r = runGuest(t, rt, wasm, cfg(mode))
		if r.err == nil || strings.Contains(r.stdout, "main resumed") {
			t.Errorf("%s: code %d, err %v, stdout %q: want a trap", mode, r.code, r.err, r.stdout)
		}
		want := map[string]string{"return": "its entry function returned", "trap": "unreachable"}[mode]
		if r.err != nil && !strings.Contains(r.err.Error(), want) {
			t.Errorf("%s: %v, want it to say %q", mode, r.err, want)
		}
	}
}

// proc_fork_env, the vfork of today's wasix-libc without asyncify: the
// child's calls (own pid, a copy of the descriptors) until proc_exit2 or
// an exec returns in the parent; nested; a failed exec; proc_exit in the
// child ends the parent with 129, as under Wasmer.
func TestCurrentForkEnv(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	if err := rt.AddCommand(t.Context(), "exitprog", currentGuest(t, "exit.wasm")); err != nil {
		t.Fatal(err)
	}
	wasm := currentGuest(t, "forkenv.wasm")
	r := runGuest(t, rt, wasm, host.Config{Args: []string{"forkenv", "checks"}, MaxMemoryPages: currentPages})
	checkTAP(t, r, 0)
	if !strings.Contains(r.stdout, "leaving by _exit with 9\n") {
		t.Errorf("the exec'd program's output is missing:\n%s", r.stdout)
	}
	r = runGuest(t, rt, wasm, host.Config{Args: []string{"forkenv", "proc_exit"}, MaxMemoryPages: currentPages})
	if r.err != nil || r.code != 129 || r.stdout != "" {
		t.Errorf("proc_exit in a proc_fork_env child: %d %v %q", r.code, r.err, r.stdout)
	}
}

// An exec'd proc_fork_env child that ends before the parent's call has
// fully returned is the child's end, not the parent's: the hook holds the
// parent until the exec'd program has exited (a race seen under load, where
// the parent then exited with the child's status).
func TestCurrentForkEnvChildEndsFirst(t *testing.T) {
	var calls, waited atomic.Int32
	hook := func(child *kernel.Process) {
		calls.Add(1)
		for range 200 { // at most 0.2 s: a child still running (not an exec'd one) is left be
			if _, ended := child.ExitCode(); ended {
				waited.Add(1)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	abi.ForkEnvReturnHook.Store(&hook)
	defer abi.ForkEnvReturnHook.Store(nil)
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	if err := rt.AddCommand(t.Context(), "exitprog", currentGuest(t, "exit.wasm")); err != nil {
		t.Fatal(err)
	}
	r := runGuest(t, rt, currentGuest(t, "forkenv.wasm"), host.Config{Args: []string{"forkenv", "checks"}, MaxMemoryPages: currentPages})
	checkTAP(t, r, 0)
	t.Logf("hook calls %d, ended children %d", calls.Load(), waited.Load())
}

// A program importing calls no generation defines starts: the errno ones
// fail with ENOSYS, the one without a result traps naming itself, each
// gets a warning line; StrictImports refuses the program instead.
func TestUnknownImports(t *testing.T) {
	wasm := currentGuest(t, "unknown.wasm")
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	r := runGuest(t, rt, wasm, host.Config{Args: []string{"unknown.wasm", "call"}, MaxMemoryPages: currentPages})
	if r.err != nil || r.code != 0 || r.stdout != "future_call 52 future_p1 52\n" {
		t.Errorf("call: %d %v %q", r.code, r.err, r.stdout)
	}
	want := "wasix: unknown.wasm imports wasix_32v1.future_call, unknown here; it fails with ENOSYS\n" +
		"wasix: unknown.wasm imports wasi_snapshot_preview1.future_p1, unknown here; it fails with ENOSYS\n" +
		"wasix: unknown.wasm imports wasix_32v1.future_void, unknown here; a call traps\n"
	if r.stderr != want {
		t.Errorf("warnings:\n%s\nwant:\n%s", r.stderr, want)
	}
	r = runGuest(t, rt, wasm, host.Config{Args: []string{"unknown.wasm", "void"}, MaxMemoryPages: currentPages})
	if r.err == nil || !strings.Contains(r.err.Error(), "wasix_32v1.future_void(i32) is not known") ||
		strings.Contains(r.stdout, "returned") {
		t.Errorf("void: %d %v %q", r.code, r.err, r.stdout)
	}

	// A program exec'd by another warns on its own standard error.
	if err := rt.AddCommand(t.Context(), "unknown", wasm); err != nil {
		t.Fatal(err)
	}
	r = runGuest(t, rt, wasm, host.Config{Args: []string{"first.wasm", "exec"}, MaxMemoryPages: currentPages})
	if r.err != nil || r.code != 0 || r.stdout != "future_call 52 future_p1 52\n" ||
		!strings.Contains(r.stderr, "wasix: unknown imports wasix_32v1.future_call, unknown here; it fails with ENOSYS\n") {
		t.Errorf("exec: %d %v %q %q", r.code, r.err, r.stdout, r.stderr)
	}

	strict := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true, StrictImports: true})
	r = runGuest(t, strict, wasm, host.Config{Args: []string{"unknown.wasm"}, MaxMemoryPages: currentPages})
	if r.err == nil || !strings.Contains(r.err.Error(), "wasix_32v1.future_call(i32) -> i32") || r.stdout != "" {
		t.Errorf("strict: %d %v %q", r.code, r.err, r.stdout)
	}
}

// wasix-libc's own vfork in its exception-handling flavour: setjmp around
// proc_fork_env, longjmp back when proc_exit2 or exec return in the
// parent. It needs wasm exceptions in the runtime; without them the test
// skips.
func TestCurrentVforkEH(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	if err := rt.AddCommand(t.Context(), "exitprog", currentGuest(t, "exit.wasm")); err != nil {
		t.Fatal(err)
	}
	r := runGuest(t, rt, currentGuest(t, "vfork_eh.wasm"), host.Config{Args: []string{"vfork_eh"}, MaxMemoryPages: currentPages})
	if r.err != nil && strings.Contains(r.err.Error(), "exception-handling") {
		t.Skipf("the runtime has no wasm exceptions: %v", r.err)
	}
	want := "vfork+_exit: child ok, pid seen in child ok, status 5\n" +
		"parent's pipe end still open: yes\n" +
		"leaving by _exit with 9\n" +
		"vfork+exec: status 9\n" +
		"vfork+failed exec: status 127\n"
	if r.err != nil || r.code != 0 || r.stdout != want {
		t.Errorf("status %d, err %v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.err, r.stdout, want, r.stderr)
	}
}

// A process killed while a context runs and the main context is parked
// ends with the signal's status; Run returns (no context keeps it). The
// kill is sent once the program says its contexts switch.
func TestCurrentContextsKilled(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	sigs := make(chan wasix.Signal, 1)
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if sc.Text() == "# started" {
				sigs <- wasix.SignalKill
			}
		}
	}()
	code, err := rt.Run(t.Context(), currentGuest(t, "context.wasm"), host.Config{
		Args:           []string{"context", "pingpong", "2000000000"},
		Stdout:         pw,
		Signals:        sigs,
		MaxMemoryPages: currentPages,
	})
	pw.Close()
	if code != 128+uint32(wasix.SignalKill) {
		t.Errorf("killed: status %d, err %v", code, err)
	}
}
