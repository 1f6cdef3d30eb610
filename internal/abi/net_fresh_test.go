package abi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The committed net guests must be what their sources build to: the test
// rebuilds them with the Makefile into a temporary directory (netc.wasm
// only where clang and wasi-libc are installed).
func TestNetGuestsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the guests")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	dir := filepath.Join("..", "..", "testdata", "guests", "net")
	tmp := t.TempDir()
	var targets []string
	// The Go guest is byte-for-byte reproducible with the Go release that
	// built it only.
	if v, err := os.ReadFile(filepath.Join(dir, "bin", "netguest.goversion")); err == nil &&
		strings.TrimSpace(string(v)) == runtime.Version() {
		targets = append(targets, "netguest.wasm")
	}
	if _, err := exec.LookPath("clang"); err == nil {
		if _, err := os.Stat("/usr/include/wasm32-wasi"); err == nil {
			targets = append(targets, "netc.wasm", "net2022.wasm")
		}
	}
	for _, name := range targets {
		cmd := exec.Command("make", "-s", "-B", "BIN="+tmp, filepath.Join(tmp, name))
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", name, err, out)
		}
		built, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join(dir, "bin", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, committed) {
			t.Errorf("%s is stale: run make -C testdata/guests/net", name)
		}
	}
}
