package kernel

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasix-go/wasix"
	"github.com/wasix-go/wasix/internal/vfs"
)

// A rename between the in-memory root and a host mount moves a file (or a
// symlink) and replaces the target; a directory still gives EXDEV, and a
// read-only source is left alone.
func TestRenameAcrossMounts(t *testing.T) {
	dir := t.TempDir()
	k := New(Config{})
	h, err := vfs.NewHostFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Namespace().Mount("/data", h, false); err != nil {
		t.Fatal(err)
	}
	ro := vfs.NewMemFS()
	if err := k.Namespace().Mount("/ro", ro, true); err != nil {
		t.Fatal(err)
	}
	p, err := k.NewProcess(ProcConfig{Preopens: []Preopen{{GuestPath: "/"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	f := open(t, p, "tmp/f", wasix.OflagsCreat, rw)
	_, errno := p.FdWrite(ctx, f, [][]byte{[]byte("moved data")})
	must(t, errno)
	must(t, p.FdClose(f))
	if err := os.WriteFile(filepath.Join(dir, "g"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, p.PathRename(3, "tmp/f", 3, "data/g"))
	if b, err := os.ReadFile(filepath.Join(dir, "g")); err != nil || string(b) != "moved data" {
		t.Fatalf("host file after the move: %q, %v", b, err)
	}
	if _, errno := p.PathFilestatGet(3, false, "tmp/f"); errno != wasix.ErrnoNoent {
		t.Fatalf("source after the move: %s", errno.Name())
	}
	// and back, as a symlink
	must(t, p.PathSymlink("target", 3, "data/link"))
	must(t, p.PathRename(3, "data/link", 3, "tmp/link"))
	if s, err := p.ns.Readlink("/", "/tmp/link"); err != nil || s != "target" {
		t.Fatalf("moved symlink: %q, %v", s, err)
	}
	// nothing left behind
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("host dir holds %d entries, want 1 (g)", len(es))
	}
	must(t, p.PathCreateDirectory(3, "tmp/d"))
	want(t, p.PathRename(3, "tmp/d", 3, "data/d"), wasix.ErrnoXdev)
	// from a read-only mount: refused, the file stays
	rf, err := ro.Open("r", vfs.OWrite|vfs.OCreate, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	rf.Close()
	want(t, p.PathRename(3, "ro/r", 3, "tmp/r"), wasix.ErrnoRofs)
	if _, errno := p.PathFilestatGet(3, false, "ro/r"); errno != wasix.ErrnoSuccess {
		t.Fatalf("read-only source after a refused move: %s", errno.Name())
	}
}
