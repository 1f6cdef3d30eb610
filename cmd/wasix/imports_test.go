package main

import (
	"strings"
	"testing"
)

// A program importing calls unknown here starts with a warning per call;
// --strict-imports refuses it.
func TestStrictImports(t *testing.T) {
	prog := "../../testdata/guests/current/bin/unknown.wasm"
	code, out, errOut := wasix(t, "run", "--cache-dir=", prog, "call")
	if code != 0 || out != "future_call 52 future_p1 52\n" ||
		!strings.Contains(errOut, "wasix: unknown.wasm imports wasix_32v1.future_call, unknown here; it fails with ENOSYS\n") {
		t.Errorf("status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	code, out, errOut = wasix(t, "run", "--cache-dir=", "--strict-imports", prog, "call")
	if code == 0 || out != "" || !strings.Contains(errOut, "wasix_32v1.future_call(i32) -> i32") {
		t.Errorf("--strict-imports: status %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
