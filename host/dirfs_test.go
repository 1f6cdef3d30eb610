package host_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/wasix-go/wasix/host"
)

// DirFS reads as os.DirFS does (fstest compares ReadFile with Open and
// Read), errors included.
func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	big := make([]byte, 200<<10)
	for i := range big {
		big[i] = byte(i * 7)
	}
	for name, data := range map[string][]byte{"a.so": []byte("lib"), "empty": nil, "sub/big": big} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys := host.DirFS(dir)
	if err := fstest.TestFS(fsys, "a.so", "empty", "sub/big"); err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "sub/big")
	if err != nil || string(b) != string(big) {
		t.Fatalf("sub/big: %d bytes, %v", len(b), err)
	}
	if _, err := fs.ReadFile(fsys, "missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v, want ErrNotExist", err)
	}
	if _, err := fs.ReadFile(fsys, "../a.so"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("../a.so: %v, want ErrInvalid", err)
	}
	if _, err := fs.ReadFile(fsys, "sub"); err == nil {
		t.Error("reading a directory succeeded")
	}
}
