package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGoTestThroughExec builds go_wasip1_wasm_exec, puts it on PATH and runs
// GOOS=wasip1 GOARCH=wasm go test on a tiny package, which then runs under
// the wasix runtime. The first run compiles Go's testing package for
// wasip1 (cached by the go command afterwards); skipped with -short.
func TestGoTestThroughExec(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds Go's test binary for wasip1; skipped with -short")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "go_wasip1_wasm_exec"), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cache := t.TempDir() // the second run finds the test binary compiled
	cmd := exec.Command("go", "test", "-count=1", "-v", "./testdata/tiny")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "TINY_MARK=from-the-host",
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "WASIX_CACHE_DIR="+cache)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestUnderWasip1") {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	// A failing test must fail through the exec wrapper too: the exit
	// status comes back.
	cmd = exec.Command("go", "test", "-count=1", "./testdata/tiny")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "TINY_MARK=wrong",
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "WASIX_CACHE_DIR="+cache)
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "environment not passed") {
		t.Fatalf("a failing test passed: %v\n%s", err, out)
	}
}
