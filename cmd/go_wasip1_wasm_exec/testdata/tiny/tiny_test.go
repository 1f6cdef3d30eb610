// Package tiny is run by go_wasip1_wasm_exec's test as
// GOOS=wasip1 GOARCH=wasm go test, under the wasix runtime: it checks what
// Go's own wasip1 tests rely on.
package tiny

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestUnderWasip1(t *testing.T) {
	if runtime.GOOS != "wasip1" {
		t.Fatalf("GOOS is %s", runtime.GOOS)
	}
	b, err := os.ReadFile("testdata/hello.txt")
	if err != nil || string(b) != "hello\n" {
		t.Fatalf("testdata/hello.txt: %q, %v", b, err)
	}
	wd, err := os.Getwd()
	if err != nil || filepath.Base(wd) != "tiny" {
		t.Fatalf("working directory %q, %v", wd, err)
	}
	if os.Getenv("TINY_MARK") != "from-the-host" {
		t.Fatalf("environment not passed: TINY_MARK=%q", os.Getenv("TINY_MARK"))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}
