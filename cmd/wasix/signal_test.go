package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCtrlCReachesGuest builds the CLI and sends it SIGINT while a
// threaded program waits in futex_wait: the program's handler runs (it
// exits 40+2), or without one the default action ends it with 130.
// --max-threads reaches the runtime too.
func TestCtrlCReachesGuest(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds the CLI; needs POSIX signals")
	}
	bin := filepath.Join(t.TempDir(), "wasix")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	guest := filepath.Join("..", "..", "testdata", "guests", "threads", "bin", "threads_current.wasm")
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"wait-signal", "handler"}, 42},
		{[]string{"wait-signal"}, 130},
	} {
		cmd := exec.Command(bin, append([]string{"run", "--cache-dir=", guest}, c.args...)...)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		for sc.Scan() && !strings.Contains(sc.Text(), "# ready") {
		}
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var ee *exec.ExitError
		select {
		case err := <-done:
			if !errors.As(err, &ee) || ee.ExitCode() != c.want {
				t.Errorf("%v: wasix ended with %v, want status %d", c.args, err, c.want)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: wasix did not end after SIGINT", c.args)
		}
	}

	out, err := exec.Command(bin, "run", "--cache-dir=", "--max-threads=3", guest, "limit").Output()
	if err != nil || !strings.Contains(string(out), "# spawned 2\n") {
		t.Errorf("--max-threads=3: %v\n%s", err, out)
	}
}
