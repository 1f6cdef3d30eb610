package shime2e

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestShimModule vets and tests the shim's own module (a go.mod of its own,
// see RATIONALE.md), so that the README's one test command, go test ./...,
// covers it too. Its unit tests need neither root nor containerd.
func TestShimModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds containerd's shim library: skipped with -short")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	dir := filepath.Join("..", "..", "cmd", "containerd-shim-wasix-v1")
	for _, args := range [][]string{{"vet", "./..."}, {"test", "./..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %v in %s: %v\n%s", args, dir, err, out)
		}
	}
}
