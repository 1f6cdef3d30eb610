package host_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/wasix-go/wasix/host"
)

// TestDebugInfo runs a program built with DWARF that traps: the trap's
// stack names the source line only when the Runtime reads debug info, and
// a Runtime that does not is unaffected by one that did (the code it
// compiled is not shared through the cache).
func TestDebugInfo(t *testing.T) {
	wasm := guest(t, "p1_dwarf.wasm")
	const line = "c/p1_dwarf.c:8:3"
	run := func(debug bool) string {
		t.Helper()
		rt := newRuntime(t, host.RuntimeConfig{DebugInfo: debug})
		_, err := rt.Run(context.Background(), wasm, host.Config{Stdout: io.Discard})
		var trap *host.TrapError
		if !errors.As(err, &trap) {
			t.Fatalf("debug info %v: want a trap, got %v", debug, err)
		}
		if !strings.Contains(trap.Error(), ".crash()") {
			t.Fatalf("debug info %v: the stack does not name the function:\n%v", debug, trap)
		}
		return trap.Error()
	}
	if s := run(false); strings.Contains(s, line) {
		t.Fatalf("without debug info the stack has source lines:\n%s", s)
	}
	if s := run(true); !strings.Contains(s, line) {
		t.Fatalf("with debug info the stack lacks %s:\n%s", line, s)
	}
	if s := run(false); strings.Contains(s, line) {
		t.Fatalf("a run without debug info got the lines of one with it:\n%s", s)
	}
}
