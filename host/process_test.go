package host_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// procGuest reads a program of testdata/guests/proc/bin or shell/bin.
func procGuest(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "guests", dir, "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// boxTools are the names the multicall box answers to.
var boxTools = []string{"echo", "cat", "wc", "head", "seq", "true", "false", "pwd", "tr", "sleep", "env"}

// procRuntime returns a runtime with box registered under each tool name.
func procRuntime(t testing.TB) *host.Runtime {
	rt := newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
	box := procGuest(t, "shell", "box.wasm")
	for _, name := range boxTools {
		if err := rt.AddCommand(context.Background(), name, box); err != nil {
			t.Fatal(err)
		}
	}
	return rt
}

func runProc(t *testing.T, rt *host.Runtime, wasm []byte, cfg host.Config) (string, string, uint32) {
	t.Helper()
	var out, errb bytes.Buffer
	cfg.Stdout, cfg.Stderr = &out, &errb
	code, err := rt.Run(context.Background(), wasm, cfg)
	if err != nil {
		t.Fatalf("%v: %v\nstdout:\n%s\nstderr:\n%s", cfg.Args, err, out.String(), errb.String())
	}
	return out.String(), errb.String(), code
}

func TestProcesses(t *testing.T) {
	proctest := procGuest(t, "proc", "proctest.wasm")
	pathDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(pathDir, "echo"), procGuest(t, "shell", "box.wasm"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		check  string
		want   []string
		stderr string
		mounts []host.Mount
		noCmds bool
	}{
		{check: "fork", want: []string{
			"child: shared=2 pid-is-new=1 parent-ok=1",
			"parent: shared=1 joined=1 code=7 sig=0"}},
		{check: "vfork", want: []string{"from exec", "parent: child=1 status=0"}},
		{check: "exec-command", want: []string{"exec command"}},
		{check: "exec2", want: []string{"ONLY=this", "AND=that"}},
		{check: "exec-path", noCmds: true, want: []string{"exec path"},
			mounts: []host.Mount{{GuestPath: "/opt/bin", HostDir: pathDir}}},
		{check: "spawn", stderr: "to-the-log\n", want: []string{
			"piped: through cat", "piped status=0", "null status=0", "inherited", "inherit status=0",
			"log status=0", "wd: /tmp", "missing: errno=44"}},
		{check: "join", want: []string{"none: -12", "nonblock a: 0", "any: seen=2 codes=7", "after: -12"}},
		{check: "signal", want: []string{"killed: code=0 sig=15", "raised: code=0 sig=6"}},
		{check: "crash", want: []string{"crashed: code=0 sig=6"}, stderr: "wasix: pid 2: wasm error: unreachable\n"},
		{check: "setjmp", want: []string{
			"setjmp returned 0 (round 1)", "setjmp returned 42 (round 1)",
			"child landed before the fork: pid-is-child=1", "parent: child status=5"}},
		{check: "pipe", want: []string{"pipe: 1048576 bytes, same=1, status=0"}},
		{check: "orphan", want: []string{"middle status=0", "grandchild parent=1", "reaped orphan: 1 code=6"}},
	} {
		t.Run(tc.check, func(t *testing.T) {
			var rt *host.Runtime
			if tc.noCmds {
				rt = newRuntime(t, host.RuntimeConfig{NoComputeInterrupts: true})
			} else {
				rt = procRuntime(t)
			}
			args := []string{"proctest", tc.check}
			if tc.check == "exec-path" {
				args = append(args, "/opt/bin")
			}
			out, errs, code := runProc(t, rt, proctest, host.Config{Args: args, Mounts: tc.mounts})
			if code != 0 {
				t.Errorf("exit code %d, stderr %q", code, errs)
			}
			if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, strings.Join(tc.want, "\n"))
			}
			if tc.stderr != "" && errs != tc.stderr {
				t.Errorf("stderr %q, want %q", errs, tc.stderr)
			}
		})
	}
}

// TestForkSharedMemory runs the fork checks in a program that imports a
// shared env.memory, as WASIX toolchains build them.
func TestForkSharedMemory(t *testing.T) {
	wasm := procGuest(t, "proc", "proctest_shm.wasm")
	for check, want := range map[string]string{
		"fork":   "child: shared=2 pid-is-new=1 parent-ok=1\nparent: shared=1 joined=1 code=7 sig=0\n",
		"vfork":  "from exec\nparent: child=1 status=0\n",
		"setjmp": "setjmp returned 0 (round 1)\nsetjmp returned 42 (round 1)\nchild landed before the fork: pid-is-child=1\nparent: child status=5\n",
		"pipe":   "pipe: 1048576 bytes, same=1, status=0\n",
	} {
		out, errs, code := runProc(t, procRuntime(t), wasm, host.Config{Args: []string{"proctest", check}})
		if code != 0 || out != want {
			t.Errorf("%s: code %d, stdout %q, stderr %q", check, code, out, errs)
		}
	}
}

// TestForkWithoutAsyncify checks that a program that cannot unwind gets
// ENOTSUP and that the trace says why.
func TestForkWithoutAsyncify(t *testing.T) {
	rt := procRuntime(t)
	var trace bytes.Buffer
	wasm := procGuest(t, "proc", "nofork.wasm")
	out, _, code := runProc(t, rt, wasm, host.Config{Args: []string{"nofork"}, Trace: &trace})
	if code != 0 || strings.TrimSpace(out) != "fork: errno 58" {
		t.Errorf("code %d, stdout %q", code, out)
	}
	if !strings.Contains(trace.String(), "proc_fork: ENOTSUP: the program exports no asyncify_* functions") {
		t.Errorf("trace lacks the reason:\n%s", trace.String())
	}
}

const shellScript = `# a script for the small shell
echo hello world
seq 1 5 | wc -l
seq 1 100 | head -n 3 | tr 123 abc
echo one > /tmp/f.txt
echo two >> /tmp/f.txt
cat < /tmp/f.txt | wc -l
seq 1 20000 | cat | cat | wc -c
false
echo status $?
true && echo and-ok
false || echo or-ok
for i in a b c; do echo item $i; done
X=42
echo x is $X
cd /tmp
pwd
nosuchcmd 2> /tmp/err.txt
echo after missing $?
cat /tmp/err.txt
exit 3
`

const shellWant = `hello world
5
a
b
c
2
108894
status 1
and-ok
or-ok
item a
item b
item c
x is 42
/tmp
after missing 127
sh: nosuchcmd: not found
`

func TestShell(t *testing.T) {
	rt := procRuntime(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "script.sh"), []byte(shellScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runProc(t, rt, procGuest(t, "shell", "sh.wasm"), host.Config{
		Args:   []string{"sh", "/s/script.sh"},
		Mounts: []host.Mount{{GuestPath: "/s", HostDir: dir}},
	})
	if code != 3 || out != shellWant {
		t.Errorf("code %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, out, shellWant, errs)
	}
}

// TestProcGuestsUpToDate rebuilds the process guests where the toolchain
// is installed and compares them with the committed ones.
func TestProcGuestsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds guests")
	}
	for _, tool := range []string{"clang", "wasm-opt", "llvm-objcopy-14", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	cmd := exec.Command("make", "--no-print-directory", "check-reproducible")
	cmd.Dir = filepath.Join("..", "testdata", "guests", "proc")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestSpawnInheritsTrace checks that spawned and forked children are
// traced with their parent.
func TestSpawnInheritsTrace(t *testing.T) {
	var trace bytes.Buffer
	runProc(t, procRuntime(t), procGuest(t, "proc", "proctest.wasm"), host.Config{Args: []string{"proctest", "spawn"}, Trace: &trace})
	for _, want := range []string{"[1] proc_spawn(", "[2] fd_read(", "[3] "} {
		if !strings.Contains(trace.String(), want) {
			t.Errorf("trace lacks %q", want)
		}
	}
}
