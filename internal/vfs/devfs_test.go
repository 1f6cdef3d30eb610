package vfs

import (
	"bytes"
	"slices"
	"syscall"
	"testing"
)

func TestDevFS(t *testing.T) {
	ns := NewNamespace(NewRootMemFS())
	ok(t, ns.Mount("/dev", NewDevFS(), false))

	null := must2(ns.Open("/", "/dev/null", ORead|OWrite, 0))(t)
	defer null.Close()
	if n := must(null.Write(make([]byte, 1000)))(t); n != 1000 {
		t.Fatalf("null write %d", n)
	}
	if n := must(null.Read(make([]byte, 10)))(t); n != 0 {
		t.Fatalf("null read %d", n)
	}
	if st := must(null.Stat())(t); st.Type != TypeCharDevice || st.Mode != 0o666 {
		t.Fatalf("null stat %+v", st)
	}

	zero := must2(ns.Open("/", "/dev/zero", ORead, 0))(t)
	defer zero.Close()
	buf := bytes.Repeat([]byte{0xff}, 4096)
	if n := must(zero.Read(buf))(t); n != len(buf) || !bytes.Equal(buf, make([]byte, len(buf))) {
		t.Fatal("zero does not read zeros")
	}
	_, err := zero.Write([]byte("x"))
	wantErr(t, err, syscall.EBADF, "write on a read-only zero")

	for _, name := range []string{"/dev/urandom", "/dev/random"} {
		r := must2(ns.Open("/", name, ORead, 0))(t)
		a, b := make([]byte, 64), make([]byte, 64)
		must(r.Read(a))(t)
		must(r.Pread(b, 0))(t)
		if bytes.Equal(a, b) || bytes.Equal(a, make([]byte, 64)) {
			t.Fatalf("%s is not random", name)
		}
		ok(t, r.Close())
	}

	full := must2(ns.Open("/", "/dev/full", OWrite, 0))(t)
	_, err = full.Write([]byte("x"))
	wantErr(t, err, syscall.ENOSPC, "write to full")
	full.Close()

	for name, fd := range map[string]int{"stdin": 0, "stdout": 1, "stderr": 2, "tty": StdioTTY} {
		f := must2(ns.Open("/dev", name, OWrite, 0))(t)
		ref, isRef := f.(*StdioRef)
		if !isRef || ref.Fd != fd || ref.Flags&OWrite == 0 {
			t.Fatalf("%s opened %#v", name, f)
		}
		if st := must(ref.Stat())(t); st.Type != TypeCharDevice {
			t.Fatalf("%s stat %+v", name, st)
		}
	}

	d := must2(ns.Open("/", "/dev", ORead, 0))(t)
	want := []string{"full", "null", "random", "stderr", "stdin", "stdout", "tty", "urandom", "zero"}
	if got := names(t, d); !slices.Equal(got, want) {
		t.Fatalf("/dev lists %v", got)
	}
	d.Close()

	// Every entry has its own inode number and the directory is a dir.
	seen := map[uint64]bool{}
	for _, n := range want {
		st := must(ns.Stat("/dev", n, true))(t)
		if seen[st.Ino] {
			t.Fatalf("inode %d repeated", st.Ino)
		}
		seen[st.Ino] = true
	}
	if st := must(ns.Stat("/", "/dev", true))(t); st.Type != TypeDir || seen[st.Ino] {
		t.Fatalf("/dev stat %+v", st)
	}

	wantErr(t, open3err(ns.Open("/", "/dev/new", OWrite|OCreate, 0o644)), syscall.EROFS, "create in /dev")
	wantErr(t, open3err(ns.Open("/", "/dev/nope", ORead, 0)), syscall.ENOENT, "missing device")
	wantErr(t, open3err(ns.Open("/", "/dev/null/x", ORead, 0)), syscall.ENOTDIR, "device as a dir")
	wantErr(t, ns.Mkdir("/", "/dev/shm", 0o755), syscall.EROFS, "mkdir in /dev")
	wantErr(t, ns.Mkdir("/", "/dev/null", 0o755), syscall.EEXIST, "mkdir over a device")
	wantErr(t, ns.Unlink("/", "/dev/null"), syscall.EROFS, "unlink a device")
	wantErr(t, ns.Rename("/", "/dev/null", "/", "/tmp/null"), syscall.EXDEV, "rename out of /dev")
}
