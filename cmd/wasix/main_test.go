package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wasix runs the CLI in-process and returns its status and output.
func wasix(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"run", "--help"}} {
		code, out, _ := wasix(t, args...)
		if code != 0 {
			t.Errorf("%v: status %d", args, code)
		}
		for _, flag := range []string{"--dir DIR", "--mapdir GUEST:HOST", "--env KEY=VALUE", "--env-inherit",
			"--argv0 NAME", "--cwd DIR", "--net", "--command NAME=FILE.wasm", "--abi GEN", "--trace[=FILE]", "--cache-dir DIR",
			"--trace-filter GLOBS", "--cache-max SIZE", "--debug-info", "--dir DIR[:ro]", "--mapdir GUEST:HOST[:ro]"} {
			if !strings.Contains(out, flag) {
				t.Errorf("%v does not document %s", args, flag)
			}
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--mapdir", "x", "a.wasm"}, `--mapdir wants GUEST:HOST[:ro], got "x"`},
		{[]string{"run", "--env", "FOO", "a.wasm"}, `--env wants KEY=VALUE, got "FOO"`},
		{[]string{"run", "--abi", "wasix-1999", "a.wasm"}, `--abi wants preview1, wasix-2022, wasix-seed or wasix-current, got "wasix-1999"`},
		{[]string{"run", "--command", "x", "a.wasm"}, `--command wants NAME=FILE.wasm, got "x"`},
		{[]string{"run", "--bogus", "a.wasm"}, `unknown flag -bogus`},
		{[]string{"run", "--cwd"}, `flag -cwd needs a value`},
		{[]string{"run", "--cwd", "rel", "a.wasm"}, `--cwd wants an absolute guest path, got "rel"`},
		{[]string{"run"}, "which program?"},
		{[]string{"run", "--cache-max", "lots", "a.wasm"}, `--cache-max: not a size: "lots"`},
		{[]string{"run", "--dir", ":ro", "a.wasm"}, `--dir wants a host directory`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		if c.args[len(c.args)-1] == "a.wasm" {
			// Let the flags be checked before the file is read.
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "a.wasm"), []byte("\x00asm\x01\x00\x00\x00"), 0o644)
			c.args[len(c.args)-1] = filepath.Join(dir, "a.wasm")
		}
		code, _, errOut := wasix(t, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", c.args, code, errOut, exitUsage, c.want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := wasix(t, "version")
	if code != 0 || !strings.HasPrefix(out, "wasix ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestRunHello(t *testing.T) {
	code, out, errOut := wasix(t, "run", "--cache-dir=", "--argv0", "hi", "../../examples/hello/hello.wasm", "--", "a", "-b")
	if code != 0 || !strings.Contains(out, "hello from WASIX") || !strings.Contains(out, `args: ["hi" "a" "-b"]`) {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestRunTrap(t *testing.T) {
	code, out, errOut := wasix(t, "run", "--cache-dir=", "../../host/testdata/trap.wasm")
	if code != exitTrap || out != "about to trap\n" || !strings.Contains(errOut, "wasm stack trace:\n\t.inner()\n\t.outer()") {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestRunDebugInfo: a trap of a program carrying DWARF names its source
// lines with --debug-info; without it, a line says how to get them.
func TestRunDebugInfo(t *testing.T) {
	const prog, line = "../../testdata/guests/bin/p1_dwarf.wasm", "c/p1_dwarf.c:8:3"
	code, _, errOut := wasix(t, "run", "--cache-dir", t.TempDir(), prog)
	if code != exitTrap || strings.Contains(errOut, line) || !strings.Contains(errOut, "--debug-info shows the source lines") {
		t.Errorf("status %d\nstderr:\n%s", code, errOut)
	}
	code, _, errOut = wasix(t, "run", "--debug-info", prog)
	if code != exitTrap || !strings.Contains(errOut, line) || strings.Contains(errOut, "--debug-info shows") {
		t.Errorf("--debug-info: status %d\nstderr:\n%s", code, errOut)
	}
	// A program without DWARF gets no such advice.
	if _, _, errOut := wasix(t, "run", "--cache-dir=", "../../host/testdata/trap.wasm"); strings.Contains(errOut, "--debug-info") {
		t.Errorf("advice for a program without DWARF:\n%s", errOut)
	}
}

func TestRunTrace(t *testing.T) {
	dir := t.TempDir()
	traceFile := filepath.Join(dir, "trace.txt")
	code, _, errOut := wasix(t, "run", "--cache-dir", filepath.Join(dir, "cache"), "--trace="+traceFile, "../../host/testdata/trap.wasm")
	if code != exitTrap {
		t.Fatalf("status %d: %s", code, errOut)
	}
	b, err := os.ReadFile(traceFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `[1] fd_write(fd=1, iovs="about to trap\n", iovs.len=1, out0=[14]) = 0 `) {
		t.Errorf("trace:\n%s", b)
	}
}

func TestRunExitCodeAndMounts(t *testing.T) {
	p1exit := "../../testdata/guests/bin/p1_exit.wasm"
	if _, err := os.Stat(p1exit); err != nil {
		t.Skipf("%s is not built", p1exit)
	}
	if code, _, errOut := wasix(t, "run", "--cache-dir=", p1exit, "7"); code != 7 {
		t.Errorf("p1_exit 7: status %d: %s", code, errOut)
	}
	p1fs := "../../testdata/guests/bin/p1_fs.wasm"
	code, out, errOut := wasix(t, "run", "--cache-dir=", "--mapdir", "/w:"+t.TempDir(), p1fs, "/w")
	if code != 0 || strings.Contains(out, "not ok") {
		t.Errorf("p1_fs with --mapdir: status %d\n%s\n%s", code, out, errOut)
	}
}

func TestCwdSetsPWD(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "PWD=/"},
		{[]string{"--cwd", "/x"}, "PWD=/x"},
		{[]string{"--cwd", "/x", "--env", "PWD=/y"}, "PWD=/y"},
	} {
		o, _, err := parseRunFlags(append(c.args, "a.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, _, err := o.config("a.wasm", nil, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Env) != 1 || cfg.Env[0] != c.want {
			t.Errorf("%v: env %q, want [%s]", c.args, cfg.Env, c.want)
		}
	}
}

func TestMountFlags(t *testing.T) {
	o, _, err := parseRunFlags([]string{"--dir", "data", "--dir", ".", "--dir", "/srv/x/", "--mapdir", "/g:/h", "--mapdir", "rel:h2",
		"--dir", "../up/d:ro", "--mapdir", "/r:./h3:ro", "a.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	// Name stays empty: every preopen is advertised by its guest path.
	want := []struct {
		guest, hostDir string
		ro             bool
	}{
		{"/data", "data", false}, {"/", ".", false}, {"/srv/x", "/srv/x/", false}, {"/g", "/h", false}, {"/rel", "h2", false},
		{"/up/d", "../up/d", true}, {"/r", "./h3", true},
	}
	if len(o.mounts) != len(want) {
		t.Fatalf("mounts %+v", o.mounts)
	}
	for i, w := range want {
		m := o.mounts[i]
		if m.GuestPath != w.guest || m.HostDir != w.hostDir || m.ReadOnly != w.ro || m.Name != "" {
			t.Errorf("mount %d: %+v, want %+v", i, m, w)
		}
	}
}

// TestInterrupt builds the CLI, runs a program that computes forever and
// sends it SIGINT: wasix must end with status 130 within the grace period
// (or, if the signal comes before forwarding starts, die of it: the
// program cannot catch it).
func TestInterrupt(t *testing.T) {
	bin := buildCLI(t)
	cmd := exec.Command(bin, "run", "--cache-dir=", "../../host/testdata/spin.wasm")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	start := time.Now()
	err := cmd.Wait()
	if !endedByInterrupt(err) {
		t.Errorf("wasix ended with %v, want status %d; stderr: %s", err, exitCancel, errOut.String())
	}
	if d := time.Since(start); d > interruptGrace+5*time.Second {
		t.Errorf("wasix took %v to end after SIGINT", d)
	}
}
