package host_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wasix-go/wasix/host"
)

// cacheDir is shared by the tests of this package so that each guest is
// compiled once however many runtimes run it.
var cacheDir string

func TestMain(m *testing.M) {
	if dir := os.Getenv(cacheDirEnv); dir != "" {
		// A subprocess of the test binary (close_test.go) uses the cache
		// of its parent.
		cacheDir = dir
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "wasix-host-test")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// guest reads a guest program of testdata/guests/bin, skipping the test if
// it has not been built yet.
func guest(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join("..", "testdata", "guests", "bin", name)
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("%s is not built yet", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newRuntime returns a fresh Runtime (so the first process is pid 1),
// closed at the end of the test.
func newRuntime(t testing.TB, cfg host.RuntimeConfig) *host.Runtime {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = cacheDir
	}
	rt, err := host.NewRuntime(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

// result is what one run printed and returned.
type result struct {
	code   uint32
	err    error
	stdout string
	stderr string
}

func runGuest(t *testing.T, rt *host.Runtime, wasm []byte, cfg host.Config) result {
	t.Helper()
	var out, errOut bytes.Buffer
	cfg.Stdout, cfg.Stderr = &out, &errOut
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code, err := rt.Run(ctx, wasm, cfg)
	return result{code, err, out.String(), errOut.String()}
}

// checkTAP fails the test for every "not ok" line and for a summary line
// reporting failures, and logs the whole output if anything failed.
func checkTAP(t *testing.T, r result, wantCode uint32) {
	t.Helper()
	bad := r.err != nil
	for line := range strings.SplitSeq(r.stdout, "\n") {
		if strings.HasPrefix(line, "not ok - ") {
			t.Errorf("%s", line)
			bad = true
		}
	}
	bad = bad || r.code != wantCode
	if r.err != nil {
		t.Errorf("error: %v", r.err)
	}
	if wantCode == 0 && !strings.Contains(r.stdout, "# passed ") {
		t.Errorf("no summary line: the program died early")
		bad = true
	}
	if r.code != wantCode {
		t.Errorf("exit code %d, want %d", r.code, wantCode)
	}
	if bad {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func TestHello(t *testing.T) {
	wasm, err := os.ReadFile("../examples/hello/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{Args: []string{"hello", "x"}})
	if r.err != nil || r.code != 0 {
		t.Errorf("exit code %d, error %v\n%s", r.code, r.err, r.stderr)
	}
	for _, want := range []string{"hello from WASIX", "cwd: /\n", "thread id: 1", `"a line through a pipe"`, `args: ["hello" "x"]`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestPreview1Guests runs the C guests that exercise preview1 in a
// writable directory, once on a host directory and once in memory.
func TestPreview1Guests(t *testing.T) {
	for _, name := range []string{"p1_fs.wasm", "p1_fault.wasm", "wasix_fd.wasm", "p1_edge.wasm"} {
		for _, kind := range []string{"hostdir", "memory"} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				wasm := guest(t, name)
				m := host.Mount{GuestPath: "/work"}
				if kind == "hostdir" {
					m.HostDir = t.TempDir()
				} else {
					m.Memory = true
				}
				r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{
					Args:   []string{name, "/work"},
					Mounts: []host.Mount{m},
				})
				checkTAP(t, r, 0)
			})
		}
	}
}

// TestLegacyWasix runs the programs of the 2022 and seed generations,
// which import everything from wasix_32v1.
func TestLegacyWasix(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"wasix2022_pipe.wasm", nil},
		{"wasix2022_pipe_shm.wasm", nil},
		{"wasixseed_basic.wasm", []string{"/work"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wasm := guest(t, c.name)
			r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{
				Args:   append([]string{c.name}, c.args...),
				Mounts: []host.Mount{{GuestPath: "/work", HostDir: t.TempDir()}},
			})
			checkTAP(t, r, 0)
		})
	}
}

func TestP1Misc(t *testing.T) {
	wasm := guest(t, "p1_misc.wasm")
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{
		Args:   []string{"p1_misc.wasm", "alpha", "beta gamma", "", "δ"},
		Env:    []string{"FOO=bar"},
		Mounts: []host.Mount{{GuestPath: "/work", HostDir: t.TempDir()}},
	})
	checkTAP(t, r, 0)
}

func TestP1Exit(t *testing.T) {
	wasm := guest(t, "p1_exit.wasm")
	rt := newRuntime(t, host.RuntimeConfig{})
	for _, c := range []struct {
		arg  string
		code uint32
	}{{"0", 0}, {"7", 7}, {"255", 255}, {"300", 300}, {"4294967295", 4294967295}} {
		r := runGuest(t, rt, wasm, host.Config{Args: []string{"p1_exit.wasm", c.arg}})
		if r.err != nil || r.code != c.code {
			t.Errorf("exit %s: got code %d, error %v; want %d", c.arg, r.code, r.err, c.code)
		}
	}
}

func TestP1Raise(t *testing.T) {
	wasm := guest(t, "p1_raise.wasm")
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{Args: []string{"p1_raise.wasm"}})
	checkTAP(t, r, 128+15)
	if !strings.HasSuffix(r.stdout, "# raising SIGTERM\n") {
		t.Errorf("the program went on after the raise:\n%s", r.stdout)
	}
}

// TestEscape mounts an empty directory next to a canary file and checks
// that the guest reaches the canary by none of its routes, and leaves
// nothing behind outside the mount.
func TestEscape(t *testing.T) {
	wasm := guest(t, "escape.wasm")
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary.txt")
	const content = "WASIX-CANARY do not touch\n"
	if err := os.WriteFile(canary, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	box := filepath.Join(dir, "box")
	if err := os.Mkdir(box, 0o755); err != nil {
		t.Fatal(err)
	}
	// Links made on the host, so that resolution is tested even if the
	// runtime refuses to create them.
	for name, target := range map[string]string{
		"pre-up1": "..", "pre-abs": canary, "pre-etc": "/etc", "pre-root": "../../../../../../../../../..",
	} {
		if err := os.Symlink(target, filepath.Join(box, name)); err != nil {
			t.Fatal(err)
		}
	}
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{
		Args:   []string{"escape.wasm", canary, "/sandbox"},
		Mounts: []host.Mount{{GuestPath: "/sandbox", HostDir: box}},
	})
	checkTAP(t, r, 0)
	if b, err := os.ReadFile(canary); err != nil || string(b) != content {
		t.Errorf("the canary changed: %q, %v", b, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"box", "canary.txt"}) {
		t.Errorf("the guest left %v beside the mount", names)
	}
}

// TestCancel checks that cancelling the context ends a program that never
// calls the host (spin) and one blocked in a host call (sleep), with the
// context's error.
func TestCancel(t *testing.T) {
	for _, name := range []string{"spin.wasm", "sleep.wasm"} {
		t.Run(name, func(t *testing.T) {
			wasm, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			rt := newRuntime(t, host.RuntimeConfig{})
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err = rt.Run(ctx, wasm, host.Config{})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the program ran %v after its deadline", d)
			}
		})
	}
}

// TestDetectErrors checks the messages for imports no generation has
// (refused with StrictImports; see TestUnknownImports for the default)
// and for known calls with another signature.
func TestDetectErrors(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{StrictImports: true})
	_, err := rt.Run(context.Background(), importing("wasix_32v1", "no_such_call", []byte{i32}, []byte{i32}), host.Config{})
	if err == nil || !strings.Contains(err.Error(), "wasix_32v1.no_such_call(i32) -> i32") ||
		!strings.Contains(err.Error(), "wasix-2022 lacks it") {
		t.Errorf("unknown call: %v", err)
	}
	_, err = rt.Run(context.Background(), importing("wasi_snapshot_preview1", "fd_write", []byte{i32}, []byte{i32}), host.Config{})
	if err == nil || !strings.Contains(err.Error(), "preview1 defines it as fd_write(i32, i32, i32, i32) -> i32") {
		t.Errorf("wrong signature: %v", err)
	}
}

const i32 = 0x7f

// importing assembles a module that imports one function with the given
// core signature (value type codes) and exports an empty _start.
func importing(module, name string, params, results []byte) []byte {
	vec := func(items ...[]byte) []byte {
		b := []byte{byte(len(items))}
		for _, it := range items {
			b = append(b, it...)
		}
		return b
	}
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	section := func(id byte, body []byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	types := vec(cat([]byte{0x60}, vec(bytesOf(params)...), vec(bytesOf(results)...)), []byte{0x60, 0, 0})
	imports := vec(cat(str(module), str(name), []byte{0, 0}))
	funcs := vec([]byte{1})
	exports := vec(cat(str("_start"), []byte{0, 1}))
	code := vec([]byte{2, 0, 0x0b})
	return cat([]byte("\x00asm\x01\x00\x00\x00"), section(1, types), section(2, imports),
		section(3, funcs), section(7, exports), section(10, code))
}

func bytesOf(b []byte) [][]byte {
	out := make([][]byte, len(b))
	for i := range b {
		out[i] = b[i : i+1]
	}
	return out
}

// TestMaxMemoryPages runs hello (a Go program, which defines its memory
// and grows it) under a limit too small for it and one large enough.
func TestMaxMemoryPages(t *testing.T) {
	wasm, err := os.ReadFile("../examples/hello/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	if r := runGuest(t, rt, wasm, host.Config{MaxMemoryPages: 2}); r.err == nil || !strings.Contains(r.err.Error(), "the limit is 2") {
		t.Errorf("2 pages: %v", r.err)
	}
	if r := runGuest(t, rt, wasm, host.Config{MaxMemoryPages: 40}); r.err == nil && r.code == 0 {
		t.Errorf("40 pages: the program ran: %q", r.stdout)
	}
	if r := runGuest(t, rt, wasm, host.Config{MaxMemoryPages: 1024}); r.err != nil || r.code != 0 {
		t.Errorf("1024 pages: %d %v\n%s", r.code, r.err, r.stderr)
	}
}

// TestWasiUnstable checks the translations of wasi_unstable (snapshot 0):
// fd_seek's whence codes, the 56-byte filestat and poll_oneoff's larger
// clock subscription. testdata/unstable.wat says what each exit code means.
func TestWasiUnstable(t *testing.T) {
	wasm, err := os.ReadFile("testdata/unstable.wasm")
	if err != nil {
		t.Fatal(err)
	}
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), wasm, host.Config{
		Mounts: []host.Mount{{GuestPath: "/w", Memory: true}},
	})
	if r.err != nil || r.code != 0 {
		t.Errorf("exit code %d (see testdata/unstable.wat), error %v", r.code, r.err)
	}
}

// TestConcurrentRuns runs several programs at once on one Runtime: each
// sees its own arguments and output.
func TestConcurrentRuns(t *testing.T) {
	wasm, err := os.ReadFile("../examples/hello/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, host.RuntimeConfig{})
	mod, err := rt.Compile(context.Background(), wasm)
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close(context.Background())
	const n = 6
	errs := make(chan error, n)
	for i := range n {
		go func() {
			var out bytes.Buffer
			arg := strconv.Itoa(i)
			code, err := rt.RunModule(context.Background(), mod, host.Config{Args: []string{"hello", arg}, Stdout: &out})
			switch {
			case err != nil || code != 0:
				errs <- fmt.Errorf("run %d: exit %d, %v", i, code, err)
			case !strings.Contains(out.String(), `args: ["hello" "`+arg+`"]`):
				errs <- fmt.Errorf("run %d printed %q", i, out.String())
			default:
				errs <- nil
			}
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestImportedMemoryLimit runs a program importing a shared env.memory
// (16..256 pages) under limits below and above its minimum.
func TestImportedMemoryLimit(t *testing.T) {
	wasm := guest(t, "wasix2022_pipe_shm.wasm")
	rt := newRuntime(t, host.RuntimeConfig{})
	r := runGuest(t, rt, wasm, host.Config{MaxMemoryPages: 8})
	if r.err == nil || !strings.Contains(r.err.Error(), "needs 16 pages at start; the limit is 8") {
		t.Errorf("8 pages: %v", r.err)
	}
	r = runGuest(t, rt, wasm, host.Config{Args: []string{"shm"}, MaxMemoryPages: 32})
	checkTAP(t, r, 0)
}
