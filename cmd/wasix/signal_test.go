package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCtrlCReachesGuest builds the CLI and sends it SIGINT while a
// threaded program waits in futex_wait: the program's handler runs (it
// exits 40+2), or without one the default action ends it with 130.
// --max-threads reaches the runtime too.
func TestCtrlCReachesGuest(t *testing.T) {
	bin := buildCLI(t)
	guest := filepath.Join("..", "..", "testdata", "guests", "threads", "bin", "threads_current.wasm")
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"wait-signal", "handler"}, 42},
		{[]string{"wait-signal"}, 130},
	} {
		err := interruptWhenReady(t, exec.Command(bin, append([]string{"run", "--cache-dir=", guest}, c.args...)...), "# ready")
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != c.want {
			t.Errorf("%v: wasix ended with %v, want status %d", c.args, err, c.want)
		}
	}

	out, err := exec.Command(bin, "run", "--cache-dir=", "--max-threads=3", guest, "limit").Output()
	if err != nil || !strings.Contains(string(out), "# spawned 2\n") {
		t.Errorf("--max-threads=3: %v\n%s", err, out)
	}
}

// TestCtrlCEndsProgramThatCannotCatch: a program that cannot install a
// handler (Go's wasip1 port, here blocked reading stdin) is ended by
// Ctrl-C as its default action says, status 130 to the shell, whether
// wasix forwards it yet (it starts to 20 ms into the run) or the signal
// ends wasix itself.
func TestCtrlCEndsProgramThatCannotCatch(t *testing.T) {
	bin := buildCLI(t)
	guest := filepath.Join("..", "..", "testdata", "guests", "cli", "bin", "probe_go.wasm")
	cmd := exec.Command(bin, "run", "--cache-dir="+t.TempDir(), guest, "pwd", "cat", "/dev/stdin")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := interruptWhenReady(t, cmd, "pwd:"); !endedByInterrupt(err) {
		t.Errorf("wasix ended with %v, want status 130 or death by SIGINT", err)
	}
}

// buildCLI builds wasix for a test that sends it signals (skipped in
// -short mode and where there are none).
func buildCLI(t *testing.T) string {
	t.Helper()
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the CLI; needs POSIX signals")
	}
	bin := filepath.Join(t.TempDir(), "wasix")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// endedByInterrupt reports whether wasix ended as a shell reports a
// program ended by SIGINT: with status 130, or killed by the signal.
func endedByInterrupt(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	return ee.ExitCode() == exitCancel || ws.Signaled() && ws.Signal() == syscall.SIGINT
}

// interruptWhenReady starts cmd, sends it SIGINT once its output has a
// line containing ready, and returns how it ended.
func interruptWhenReady(t *testing.T, cmd *exec.Cmd, ready string) error {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), ready) {
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%v: wasix did not end after SIGINT", cmd.Args)
		return nil
	}
}
