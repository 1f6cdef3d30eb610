package host_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// ehDir holds the guests built with wasixcc-eh (exceptions, PIC).
var ehDir = filepath.Join("..", "testdata", "guests", "eh")

// ehGuest reads a built guest of testdata/guests/eh/bin.
func ehGuest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ehDir, "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEHGuestsFresh holds bin/SOURCES.sha256 against the sources, as the
// Makefile computes it: a source changed without rebuilding fails here.
func TestEHGuestsFresh(t *testing.T) {
	checkFresh(t, ehDir, []string{"*.[ch]"}, "../c/check.h")
}

// TestEHGuestsRebuild rebuilds the guests into a scratch directory when
// the toolchain is installed, so that the Makefile itself stays working.
func TestEHGuestsRebuild(t *testing.T) {
	checkRebuild(t, ehDir, "sjlj.wasm") // one program keeps it short; `make` builds all
}

// TestSetjmpLongjmpExceptions: setjmp/longjmp built on wasm exceptions,
// across frames, nested, and in four threads at once.
func TestSetjmpLongjmpExceptions(t *testing.T) {
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "sjlj.wasm"), host.Config{Args: []string{"sjlj"}, MaxMemoryPages: testPages})
	checkTAP(t, r, 0)
}

// TestSetjmpLongjmpLegacy: the same program in the legacy encoding
// (try/catch/delegate) is translated at load and prints what the exnref
// build prints.
func TestSetjmpLongjmpLegacy(t *testing.T) {
	rt := newRuntime(t, host.RuntimeConfig{})
	cfg := host.Config{Args: []string{"sjlj"}, MaxMemoryPages: testPages}
	want := runGuest(t, rt, ehGuest(t, "sjlj.wasm"), cfg)
	got := runGuest(t, rt, ehGuest(t, "sjlj_legacy.wasm"), cfg)
	checkTAP(t, got, 0)
	if got.stdout != want.stdout || got.code != want.code {
		t.Errorf("legacy build: exit %d, stdout\n%s\nexnref build: exit %d, stdout\n%s", got.code, got.stdout, want.code, want.stdout)
	}
}

// TestLegacyExceptionsUntranslatable: legacy code the translator gives up
// on (a delegate whose exception would cross a try_table) is refused with
// ErrLegacyExceptions, whose message says why and how to rebuild.
func TestLegacyExceptionsUntranslatable(t *testing.T) {
	// One function: try_table, try, delegate 0, end.
	wasm := []byte("\x00asm\x01\x00\x00\x00" +
		"\x01\x04\x01\x60\x00\x00" + // type () -> ()
		"\x03\x02\x01\x00" + // one function
		"\x0a\x0c\x01\x0a\x00\x1f\x40\x00\x06\x40\x18\x00\x0b\x0b")
	_, err := newRuntime(t, host.RuntimeConfig{}).Compile(context.Background(), wasm)
	if !errors.Is(err, host.ErrLegacyExceptions) {
		t.Fatalf("error %v, want ErrLegacyExceptions", err)
	}
	for _, want := range []string{"legacy", "try_table", "-wasm-use-legacy-eh=false", "--translate-to-exnref"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

// testPages bounds the memory of the wasixcc-eh guests, which declare a
// 4 GiB maximum: making (and clearing) memories that size again and again
// is what would dominate the tests.
const testPages = 2048

// TestVforkExecExceptions: vfork in today's exception-flavoured libc
// (setjmp around proc_fork_env), the child exec'ing a program that exits
// 7, the parent seeing that status.
func TestVforkExecExceptions(t *testing.T) {
	bin, _ := filepath.Abs(filepath.Join(ehDir, "bin"))
	r := runGuest(t, newRuntime(t, host.RuntimeConfig{}), ehGuest(t, "vfork.wasm"), host.Config{
		Args:           []string{"vfork", "/eh/vfork.wasm"},
		Mounts:         []host.Mount{{GuestPath: "/eh", HostDir: bin, ReadOnly: true}},
		MaxMemoryPages: testPages,
	})
	checkTAP(t, r, 0)
}

// TestVforkExecLegacy: vfork.c in the legacy encoding, exec'ing itself
// (so the exec'd program is translated too), prints what the exnref build
// prints.
func TestVforkExecLegacy(t *testing.T) {
	bin, _ := filepath.Abs(filepath.Join(ehDir, "bin"))
	rt := newRuntime(t, host.RuntimeConfig{})
	run := func(name string) result {
		return runGuest(t, rt, ehGuest(t, name), host.Config{
			Args:           []string{"vfork", "/eh/" + name},
			Mounts:         []host.Mount{{GuestPath: "/eh", HostDir: bin, ReadOnly: true}},
			MaxMemoryPages: testPages,
		})
	}
	want, got := run("vfork.wasm"), run("vfork_legacy.wasm")
	checkTAP(t, got, 0)
	if got.stdout != want.stdout || got.code != want.code {
		t.Errorf("legacy build: exit %d, stdout\n%s\nexnref build: exit %d, stdout\n%s", got.code, got.stdout, want.code, want.stdout)
	}
}
