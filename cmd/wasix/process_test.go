package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunShellScript runs the project's small shell on a script under
// `wasix run`, its commands registered with --command (one multicall
// program under every name).
func TestRunShellScript(t *testing.T) {
	guests := filepath.Join("..", "..", "testdata", "guests")
	box := filepath.Join(guests, "shell", "bin", "box.wasm")
	dir := t.TempDir()
	script := "for n in 3 5; do seq 1 $n | wc -l; done\n" +
		"echo piped | cat | tr pied PIED > /s/out.txt\n" +
		"cat /s/out.txt\n" +
		"false; echo $?\n" +
		"ls /nowhere\n" +
		"exit $?\n"
	if err := os.WriteFile(filepath.Join(dir, "script.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "--mapdir", "/s:" + dir}
	for _, name := range []string{"echo", "seq", "wc", "cat", "tr", "false"} {
		args = append(args, "--command", name+"="+box)
	}
	args = append(args, filepath.Join(guests, "shell", "bin", "sh.wasm"), "/s/script.sh")
	code, stdout, stderr := wasix(t, args...)
	if want := "3\n5\nPIPED\n1\n"; stdout != want || code != 127 || !strings.Contains(stderr, "ls: not found") {
		t.Errorf("code %d, stdout %q (want %q), stderr %q", code, stdout, want, stderr)
	}
}
