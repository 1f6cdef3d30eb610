//go:build !wasip1

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestHelloWasmUpToDate rebuilds hello.wasm and checks that the committed
// one is byte for byte the same. The bytes depend on the Go release, so the
// test skips when this toolchain is not the one that built the file.
func TestHelloWasmUpToDate(t *testing.T) {
	committed, err := os.ReadFile("hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	version, err := exec.Command(goTool, "env", "GOVERSION").Output()
	if err != nil {
		t.Skipf("go env GOVERSION: %v", err)
	}
	built := goVersionOf(committed)
	if built == "" || built != string(bytes.TrimSpace(version)) {
		t.Skipf("hello.wasm was built by %q, this toolchain is %s", built, bytes.TrimSpace(version))
	}

	out := filepath.Join(t.TempDir(), "hello.wasm")
	cmd := exec.Command(goTool, "build", "-trimpath", "-o", out, ".")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("this toolchain cannot build for wasip1: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Errorf("hello.wasm is out of date; rebuild it with\n\tGOOS=wasip1 GOARCH=wasm go build -trimpath -o examples/hello/hello.wasm ./examples/hello")
	}
}

// goVersionOf guesses the Go release that built a wasm binary: the most
// frequent go1.N.M string in it (the runtime's version and the build info
// carry it; a wasm binary has no build info section that debug/buildinfo
// reads).
func goVersionOf(bin []byte) string {
	count := map[string]int{}
	best := ""
	for _, m := range regexp.MustCompile(`go1\.[0-9]+\.[0-9]+`).FindAll(bin, -1) {
		count[string(m)]++
		if count[string(m)] > count[best] {
			best = string(m)
		}
	}
	return best
}
