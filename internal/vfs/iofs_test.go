package vfs

import (
	"slices"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func TestFromIOFS(t *testing.T) {
	mt := time.Unix(1_600_000_000, 0)
	m := fstest.MapFS{
		"a.txt":       {Data: []byte("alpha"), Mode: 0o644, ModTime: mt},
		"dir/b.txt":   {Data: []byte("bravo"), Mode: 0o600},
		"dir/sub":     {Mode: 0o755 | 1<<31},                      // fs.ModeDir
		"link":        {Data: []byte("dir/b.txt"), Mode: 1 << 27}, // fs.ModeSymlink
		"dir/up":      {Data: []byte("../a.txt"), Mode: 1 << 27},
		"dir/abs":     {Data: []byte("/etc/hosts"), Mode: 1 << 27},
		"dir/escaper": {Data: []byte("../../x"), Mode: 1 << 27},
	}
	ns := NewNamespace(NewMemFS())
	ok(t, ns.Mount("/embed", FromIOFS(m), false))

	for p, want := range map[string]string{"/embed/a.txt": "alpha", "/embed/link": "bravo", "/embed/dir/up": "alpha"} {
		if s, err := nsRead(t, ns, "/", p); err != nil || s != want {
			t.Fatalf("%s: %q %v", p, s, err)
		}
	}
	f := must2(ns.Open("/", "/embed/a.txt", ORead, 0))(t)
	defer f.Close()
	buf := make([]byte, 3)
	if n := must(f.Pread(buf, 2))(t); string(buf[:n]) != "pha" {
		t.Fatalf("pread %q", buf[:n])
	}
	if n := must(f.Pread(buf, 10))(t); n != 0 {
		t.Fatalf("pread past end %d", n)
	}
	if off := must(f.Seek(-2, SeekEnd))(t); off != 3 {
		t.Fatalf("seek %d", off)
	}
	if s := readAll(t, f); s != "ha" {
		t.Fatalf("after seek %q", s)
	}
	st := must(f.Stat())(t)
	if st.Type != TypeRegular || st.Size != 5 || st.Mtim != mt.UnixNano() || st.Mode != 0o644 {
		t.Fatalf("stat %+v", st)
	}
	_, err := f.Write([]byte("x"))
	wantErr(t, err, syscall.EBADF, "write")

	if st := must(ns.Stat("/", "/embed/link", false))(t); st.Type != TypeSymlink {
		t.Fatalf("lstat link %+v", st)
	}
	if s := must(ns.Readlink("/", "/embed/link"))(t); s != "dir/b.txt" {
		t.Fatalf("readlink %q", s)
	}
	d := must2(ns.Open("/", "/embed/dir", ORead, 0))(t)
	if got := names(t, d); !slices.Equal(got, []string{"abs", "b.txt", "escaper", "sub", "up"}) {
		t.Fatalf("dir lists %v", got)
	}
	if again := names(t, d); len(again) != 5 {
		t.Fatalf("second listing %v", again)
	}
	d.Close()
	_, err = nsRead(t, ns, "/", "/embed/dir/abs")
	wantErr(t, err, syscall.ENOENT, "absolute link into the namespace")
	_, _, err = ns.Open("/embed", "dir/escaper", ORead, 0)
	wantErr(t, err, ErrNotCapable, "relative link above the anchor")

	wantErr(t, open3err(ns.Open("/", "/embed/new", OWrite|OCreate, 0o644)), syscall.EROFS, "create")
	wantErr(t, open3err(ns.Open("/", "/embed/a.txt", OWrite, 0)), syscall.EROFS, "open for write")
	wantErr(t, ns.Mkdir("/", "/embed/d", 0o755), syscall.EROFS, "mkdir")
	wantErr(t, ns.Unlink("/", "/embed/a.txt"), syscall.EROFS, "unlink")
	wantErr(t, open3err(ns.Open("/", "/embed/missing", ORead, 0)), syscall.ENOENT, "missing")
	wantErr(t, open3err(ns.Open("/", "/embed/link", ORead|ONoFollow, 0)), syscall.ELOOP, "nofollow")
}
