package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRunExceptionsAndDynamicLinking: `wasix run` of a wasixcc-eh guest:
// a -pie main finds the side modules beside it ($ORIGIN), and its checks
// pass. One program only: each run in this process makes a 4 GiB memory
// (the guests' declared maximum; the CLI has no limit flag), which costs
// seconds to clear on a loaded machine; host/ runs the others.
func TestRunExceptionsAndDynamicLinking(t *testing.T) {
	bin := filepath.Join("..", "..", "testdata", "guests", "eh", "bin")
	for _, args := range [][]string{
		{filepath.Join(bin, "dyn.wasm")},
	} {
		code, stdout, stderr := wasix(t, append([]string{"run"}, args...)...)
		if code != 0 || strings.Contains(stdout, "not ok") || !strings.Contains(stdout, "# passed") {
			t.Errorf("%v: code %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
		}
	}
}
