package vfs

import (
	"bytes"
	"slices"
	"syscall"
	"testing"
)

// The suite below runs against every writable FS through a Namespace, so
// MemFS is held to the behaviour of a real Linux directory (HostFS).

type fsMaker struct {
	name string
	make func(t *testing.T) FS
}

// extraFSes holds platform-specific variants, added by their test files.
var extraFSes []fsMaker

func writableFSes() []fsMaker {
	return append([]fsMaker{
		{"MemFS", func(t *testing.T) FS { return NewMemFS() }},
		{"HostFS", func(t *testing.T) FS {
			h := must(NewHostFS(t.TempDir()))(t)
			t.Cleanup(func() { h.Close() })
			return h
		}},
	}, extraFSes...)
}

func TestSuite(t *testing.T) {
	for _, m := range writableFSes() {
		t.Run(m.name, func(t *testing.T) {
			for _, c := range suite {
				t.Run(c.name, func(t *testing.T) { c.run(t, NewNamespace(m.make(t))) })
			}
		})
	}
}

var suite = []struct {
	name string
	run  func(t *testing.T, ns *Namespace)
}{
	{"ReadWriteSeek", func(t *testing.T, ns *Namespace) {
		f, p, err := ns.Open("/", "a.txt", ORead|OWrite|OCreate|OExcl, 0o640)
		ok(t, err)
		if p != "/a.txt" {
			t.Fatalf("path %q", p)
		}
		defer f.Close()
		if n, err := f.Write([]byte("hello world")); n != 11 || err != nil {
			t.Fatal(n, err)
		}
		if off := must(f.Seek(0, SeekCurrent))(t); off != 11 {
			t.Fatalf("offset %d", off)
		}
		must(f.Seek(6, SeekStart))(t)
		if s := readAll(t, f); s != "world" {
			t.Fatalf("read %q", s)
		}
		// Pread and Pwrite leave the offset alone.
		must(f.Pwrite([]byte("W"), 6))(t)
		buf := make([]byte, 20)
		if n := must(f.Pread(buf, 4))(t); string(buf[:n]) != "o World" {
			t.Fatalf("pread %q", buf[:n])
		}
		if n := must(f.Pread(buf, 100))(t); n != 0 {
			t.Fatalf("pread past end gave %d", n)
		}
		if off := must(f.Seek(0, SeekCurrent))(t); off != 11 {
			t.Fatalf("offset moved to %d", off)
		}
		if off := must(f.Seek(-5, SeekEnd))(t); off != 6 {
			t.Fatalf("seek end %d", off)
		}
		_, err = f.Seek(-1, SeekStart)
		wantErr(t, err, syscall.EINVAL, "seek before start")
		_, err = f.Pread(buf, -1)
		wantErr(t, err, syscall.EINVAL, "negative pread")
		st := must(f.Stat())(t)
		if st.Type != TypeRegular || st.Size != 11 || st.Nlink != 1 || st.Mode&0o777 != 0o640&^0o022 && st.Mode&0o777 != 0o640 {
			t.Fatalf("stat %+v", st)
		}
	}},
	{"Append", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "log", "one\n")
		f := must2(ns.Open("/", "log", OWrite|OAppend, 0))(t)
		must(f.Seek(0, SeekStart))(t)
		must(f.Write([]byte("two\n")))(t)
		ok(t, f.SetAppend(false))
		must(f.Seek(0, SeekStart))(t)
		must(f.Write([]byte("ONE\n")))(t)
		ok(t, f.Close())
		if s, _ := nsRead(t, ns, "/", "log"); s != "ONE\ntwo\n" {
			t.Fatalf("got %q", s)
		}
	}},
	{"AccessModes", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "f", "data")
		r := must2(ns.Open("/", "f", ORead, 0))(t)
		defer r.Close()
		_, err := r.Write([]byte("x"))
		wantErr(t, err, syscall.EBADF, "write on read-only handle")
		w := must2(ns.Open("/", "f", OWrite, 0))(t)
		defer w.Close()
		_, err = w.Read(make([]byte, 4))
		wantErr(t, err, syscall.EBADF, "read on write-only handle")
		ok(t, w.Close())
		_, err = w.Write([]byte("x"))
		wantErr(t, err, syscall.EBADF, "write after close")
	}},
	{"OpenErrors", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "f", "x")
		ok(t, ns.Mkdir("/", "d", 0o755))
		cases := []struct {
			path  string
			flags OpenFlags
			want  error
		}{
			{"missing", ORead, syscall.ENOENT},
			{"missing/x", ORead | OCreate, syscall.ENOENT},
			{"f/x", ORead, syscall.ENOTDIR},
			{"f", ORead | OCreate | OExcl, syscall.EEXIST},
			{"d", OWrite, syscall.EISDIR},
			{"d", ORead | OCreate, syscall.EISDIR},
			{"f", ORead | ODirectory, syscall.ENOTDIR},
			{"f/", ORead, syscall.ENOTDIR},
			{"new/", ORead | OCreate, syscall.EISDIR},
			{"d/", ORead | OCreate, syscall.EISDIR},
			{"new", OCreate | ODirectory, syscall.EINVAL},
		}
		for _, c := range cases {
			_, _, err := ns.Open("/", c.path, c.flags, 0o644)
			wantErr(t, err, c.want, "open "+c.path)
		}
		d := must2(ns.Open("/", "d/", ORead, 0))(t)
		defer d.Close()
		_, err := d.Read(make([]byte, 1))
		wantErr(t, err, syscall.EISDIR, "read of a directory")
	}},
	{"Truncate", func(t *testing.T, ns *Namespace) {
		f := must2(ns.Open("/", "t", ORead|OWrite|OCreate, 0o644))(t)
		defer f.Close()
		must(f.Write([]byte("abcdefgh")))(t)
		ok(t, f.Truncate(3))
		ok(t, f.Truncate(6))
		buf := make([]byte, 10)
		if n := must(f.Pread(buf, 0))(t); !bytes.Equal(buf[:n], []byte("abc\x00\x00\x00")) {
			t.Fatalf("after truncate %q", buf[:n])
		}
		wantErr(t, f.Truncate(-1), syscall.EINVAL, "negative truncate")
		g := must2(ns.Open("/", "t", OWrite|OTrunc, 0))(t)
		ok(t, g.Close())
		if st := must(f.Stat())(t); st.Size != 0 {
			t.Fatalf("O_TRUNC left size %d", st.Size)
		}
	}},
	{"Sparse", func(t *testing.T, ns *Namespace) {
		f := must2(ns.Open("/", "s", ORead|OWrite|OCreate, 0o644))(t)
		defer f.Close()
		must(f.Pwrite([]byte("end"), 3<<20+5))(t)
		buf := make([]byte, 200<<10)
		n := must(f.Pread(buf, 1<<20))(t)
		if n != len(buf) || !bytes.Equal(buf, make([]byte, len(buf))) {
			t.Fatal("hole does not read as zeros")
		}
		if n := must(f.Pread(buf, 3<<20))(t); string(buf[n-3:n]) != "end" || n != 8 {
			t.Fatalf("tail %q", buf[:n])
		}
		ok(t, f.Allocate(0, 4<<20))
		if st := must(f.Stat())(t); st.Size != 4<<20 {
			t.Fatalf("allocate left size %d", st.Size)
		}
	}},
	{"DirOps", func(t *testing.T, ns *Namespace) {
		ok(t, ns.Mkdir("/", "d", 0o755))
		ok(t, ns.Mkdir("/", "e/", 0o755))
		wantErr(t, ns.Mkdir("/", "d", 0o755), syscall.EEXIST, "mkdir existing")
		wantErr(t, ns.Mkdir("/", "x/y", 0o755), syscall.ENOENT, "mkdir under missing")
		wantErr(t, ns.Mkdir("/", "d/.", 0o755), syscall.EEXIST, "mkdir d/.")
		nsWrite(t, ns, "d/f", "x")
		wantErr(t, ns.Rmdir("/", "d"), syscall.ENOTEMPTY, "rmdir non-empty")
		wantErr(t, ns.Rmdir("/", "d/f"), syscall.ENOTDIR, "rmdir file")
		wantErr(t, ns.Rmdir("/", "d/."), syscall.EINVAL, "rmdir d/.")
		wantErr(t, ns.Rmdir("/", "nope"), syscall.ENOENT, "rmdir missing")
		wantErr(t, ns.Unlink("/", "d"), syscall.EISDIR, "unlink dir")
		wantErr(t, ns.Unlink("/", "d/f/"), syscall.ENOTDIR, "unlink file/")
		wantErr(t, ns.Unlink("/", "d/nope"), syscall.ENOENT, "unlink missing")
		ok(t, ns.Unlink("/", "d/f"))
		ok(t, ns.Rmdir("/", "d/"))
		ok(t, ns.Rmdir("/", "e"))
		root := must2(ns.Open("/", ".", ORead, 0))(t)
		defer root.Close()
		if n := names(t, root); len(n) != 0 {
			t.Fatalf("root not empty: %v", n)
		}
	}},
	{"ReadDir", func(t *testing.T, ns *Namespace) {
		ok(t, ns.Mkdir("/", "d", 0o755))
		ok(t, ns.Mkdir("/", "d/sub", 0o755))
		nsWrite(t, ns, "d/b", "")
		nsWrite(t, ns, "d/a", "")
		ok(t, ns.Symlink("a", "/", "d/l"))
		d := must2(ns.Open("/", "d", ORead|ODirectory, 0))(t)
		defer d.Close()
		ents := must(d.ReadDir())(t)
		slices.SortFunc(ents, func(a, b Dirent) int { return cmpStr(a.Name, b.Name) })
		want := []struct {
			name string
			typ  FileType
		}{{"a", TypeRegular}, {"b", TypeRegular}, {"l", TypeSymlink}, {"sub", TypeDir}}
		if len(ents) != len(want) {
			t.Fatalf("entries %+v", ents)
		}
		for i, w := range want {
			st := must(ns.Stat("/d", ents[i].Name, false))(t)
			if ents[i].Name != w.name || ents[i].Type != w.typ || ents[i].Ino != st.Ino {
				t.Fatalf("entry %d: %+v, want %s %v ino %d", i, ents[i], w.name, w.typ, st.Ino)
			}
		}
		// A second listing sees the whole directory again.
		if again := must(d.ReadDir())(t); len(again) != 4 {
			t.Fatalf("second listing %+v", again)
		}
		f := must2(ns.Open("/", "d/a", ORead, 0))(t)
		defer f.Close()
		_, err := f.ReadDir()
		wantErr(t, err, syscall.ENOTDIR, "readdir of a file")
		if st := must(d.Stat())(t); st.Nlink != 3 {
			t.Logf("dir nlink %d (3 expected on POSIX filesystems)", st.Nlink)
		}
	}},
	{"Rename", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "a", "A")
		nsWrite(t, ns, "b", "B")
		ok(t, ns.Rename("/", "a", "/", "b"))
		if s, _ := nsRead(t, ns, "/", "b"); s != "A" {
			t.Fatalf("b = %q", s)
		}
		_, err := ns.Stat("/", "a", false)
		wantErr(t, err, syscall.ENOENT, "old name after rename")
		ok(t, ns.Mkdir("/", "d", 0o755))
		ok(t, ns.Mkdir("/", "e", 0o755))
		ok(t, ns.Mkdir("/", "full", 0o755))
		nsWrite(t, ns, "full/x", "")
		wantErr(t, ns.Rename("/", "d", "/", "full"), syscall.ENOTEMPTY, "dir over non-empty dir")
		wantErr(t, ns.Rename("/", "d", "/", "b"), syscall.ENOTDIR, "dir over file")
		wantErr(t, ns.Rename("/", "b", "/", "d"), syscall.EISDIR, "file over dir")
		wantErr(t, ns.Rename("/", "d", "/", "d/in"), syscall.EINVAL, "dir into itself")
		wantErr(t, ns.Rename("/", "nope", "/", "x"), syscall.ENOENT, "missing source")
		wantErr(t, ns.Rename("/", "b/", "/", "x"), syscall.ENOTDIR, "file/ as source")
		ok(t, ns.Rename("/", "d", "/", "e"))
		ok(t, ns.Rename("/", "e/", "/", "full/sub"))
		if st := must(ns.Stat("/", "full/sub", false))(t); st.Type != TypeDir {
			t.Fatalf("moved dir: %+v", st)
		}
		ok(t, ns.Link("/", "b", false, "/", "b2"))
		ok(t, ns.Rename("/", "b", "/", "b2")) // two names of one file: nothing happens
		if s, _ := nsRead(t, ns, "/", "b"); s != "A" {
			t.Fatalf("rename between links removed a name")
		}
	}},
	{"HardLinks", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "a", "one")
		ok(t, ns.Link("/", "a", false, "/", "b"))
		sa := must(ns.Stat("/", "a", false))(t)
		sb := must(ns.Stat("/", "b", false))(t)
		if sa.Ino != sb.Ino || sa.Dev != sb.Dev || sa.Nlink != 2 {
			t.Fatalf("links: %+v %+v", sa, sb)
		}
		nsWrite(t, ns, "b", "two")
		if s, _ := nsRead(t, ns, "/", "a"); s != "two" {
			t.Fatalf("a = %q", s)
		}
		ok(t, ns.Unlink("/", "a"))
		if st := must(ns.Stat("/", "b", false))(t); st.Nlink != 1 {
			t.Fatalf("nlink after unlink %d", st.Nlink)
		}
		wantErr(t, ns.Link("/", "b", false, "/", "b"), syscall.EEXIST, "link onto existing")
		ok(t, ns.Mkdir("/", "d", 0o755))
		err := ns.Link("/", "d", false, "/", "d2")
		wantErr(t, err, syscall.EPERM, "link of a directory")
		ok(t, ns.Symlink("b", "/", "sl"))
		ok(t, ns.Link("/", "sl", false, "/", "sl2"))
		if st := must(ns.Stat("/", "sl2", false))(t); st.Type != TypeSymlink {
			t.Fatalf("link to symlink without follow made %v", st.Type)
		}
		ok(t, ns.Link("/", "sl", true, "/", "b3"))
		if st := must(ns.Stat("/", "b3", false))(t); st.Type != TypeRegular || st.Nlink != 2 {
			t.Fatalf("link following symlink made %+v", st)
		}
	}},
	{"UnlinkedStillOpen", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "gone", "still here")
		f := must2(ns.Open("/", "gone", ORead, 0))(t)
		defer f.Close()
		ok(t, ns.Unlink("/", "gone"))
		if s := readAll(t, f); s != "still here" {
			t.Fatalf("read %q", s)
		}
		if st := must(f.Stat())(t); st.Nlink != 0 {
			t.Fatalf("nlink %d", st.Nlink)
		}
	}},
	{"Symlinks", func(t *testing.T, ns *Namespace) {
		ok(t, ns.Mkdir("/", "d", 0o755))
		nsWrite(t, ns, "d/f", "content")
		ok(t, ns.Symlink("d/f", "/", "lf"))
		ok(t, ns.Symlink("d", "/", "ld"))
		ok(t, ns.Symlink("nowhere", "/", "dangling"))
		wantErr(t, ns.Symlink("x", "/", "lf"), syscall.EEXIST, "symlink over existing")
		wantErr(t, ns.Symlink("x", "/", "dangling"), syscall.EEXIST, "symlink over dangling")
		st := must(ns.Stat("/", "lf", false))(t)
		if st.Type != TypeSymlink || st.Size != 3 {
			t.Fatalf("lstat %+v", st)
		}
		if st := must(ns.Stat("/", "lf", true))(t); st.Type != TypeRegular || st.Size != 7 {
			t.Fatalf("stat %+v", st)
		}
		if s := must(ns.Readlink("/", "lf"))(t); s != "d/f" {
			t.Fatalf("readlink %q", s)
		}
		_, err := ns.Readlink("/", "d/f")
		wantErr(t, err, syscall.EINVAL, "readlink of a file")
		if s, err := nsRead(t, ns, "/", "ld/f"); err != nil || s != "content" {
			t.Fatalf("through dir link: %q %v", s, err)
		}
		if st := must(ns.Stat("/", "ld/", false))(t); st.Type != TypeDir {
			t.Fatalf("trailing slash does not follow: %+v", st)
		}
		_, _, err = ns.Open("/", "lf", ORead|ONoFollow, 0)
		wantErr(t, err, syscall.ELOOP, "O_NOFOLLOW on a symlink")
		_, _, err = ns.Open("/", "dangling", ORead, 0)
		wantErr(t, err, syscall.ENOENT, "dangling")
		_, _, err = ns.Open("/", "dangling", OWrite|OCreate|OExcl, 0o644)
		wantErr(t, err, syscall.EEXIST, "O_EXCL on dangling symlink")
		// O_CREAT through a dangling symlink creates its target.
		f := must2(ns.Open("/", "dangling", OWrite|OCreate, 0o644))(t)
		ok(t, f.Close())
		if st := must(ns.Stat("/", "nowhere", false))(t); st.Type != TypeRegular {
			t.Fatalf("target not created: %+v", st)
		}
		// Unlink removes the link, not its target.
		ok(t, ns.Unlink("/", "lf"))
		must(ns.Stat("/", "d/f", false))(t)
		wantErr(t, ns.Rmdir("/", "ld"), syscall.ENOTDIR, "rmdir of a dir symlink")
	}},
	{"Times", func(t *testing.T, ns *Namespace) {
		nsWrite(t, ns, "f", "x")
		a, m := int64(1_000_000_007), int64(2_000_000_011)
		ok(t, ns.SetTimes("/", "f", &a, &m, true))
		st := must(ns.Stat("/", "f", true))(t)
		_, host := ns.Mounts()[0].FS.(*HostFS)
		atimeOK := func(st Stat) bool { return st.Atim == a || host && !hostFSHasAtime }
		if !atimeOK(st) || st.Mtim != m {
			t.Fatalf("times %d %d", st.Atim, st.Mtim)
		}
		ok(t, ns.SetTimes("/", "f", nil, nil, true))
		if st2 := must(ns.Stat("/", "f", true))(t); !atimeOK(st2) || st2.Mtim != m {
			t.Fatal("nil times changed something")
		}
		now := TimeNow
		ok(t, ns.SetTimes("/", "f", nil, &now, true))
		st = must(ns.Stat("/", "f", true))(t)
		if !atimeOK(st) || st.Mtim < 1_700_000_000_000_000_000 {
			t.Fatalf("TimeNow: %+v", st)
		}
		f := must2(ns.Open("/", "f", OWrite, 0))(t)
		defer f.Close()
		ok(t, f.SetTimes(&a, &a))
		if st := must(f.Stat())(t); st.Mtim != a {
			t.Fatalf("fd times %+v", st)
		}
		must(f.Write([]byte("y")))(t)
		if st := must(f.Stat())(t); st.Mtim <= a || st.Ctim < st.Mtim-1e9 {
			t.Fatalf("write did not move mtime: %+v", st)
		}
		ok(t, ns.Symlink("f", "/", "l"))
		ok(t, ns.SetTimes("/", "l", &a, &a, false))
		if st := must(ns.Stat("/", "f", true))(t); st.Mtim == a {
			t.Fatal("setting a symlink's times changed its target")
		}
	}},
}

func must2[T any](v T, p string, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
