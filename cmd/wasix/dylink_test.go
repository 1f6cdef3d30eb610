package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDynamicallyLinked: `wasix run` of a -pie main finds the side
// modules beside it ($ORIGIN) and the program's checks pass.
func TestRunDynamicallyLinked(t *testing.T) {
	prog := filepath.Join("..", "..", "testdata", "guests", "eh", "bin", "dyn.wasm")
	code, stdout, stderr := wasix(t, "run", prog)
	if code != 0 || strings.Contains(stdout, "not ok") || !strings.Contains(stdout, "# passed") {
		t.Errorf("code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
