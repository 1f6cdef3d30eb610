package host_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
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
