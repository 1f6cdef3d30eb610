package vfs

import (
	"bytes"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestMemFSRootLayout(t *testing.T) {
	m := NewRootMemFS()
	for _, d := range []string{"bin", "dev", "etc", "home", "tmp", "usr/bin"} {
		st := must(m.Lstat(d))(t)
		if st.Type != TypeDir {
			t.Fatalf("%s: %+v", d, st)
		}
	}
	if st := must(m.Lstat("tmp"))(t); st.Mode != 0o1777 {
		t.Fatalf("/tmp mode %o", st.Mode)
	}
	ok(t, m.WriteFile("/usr/share/doc/readme", []byte("hi"), 0o600))
	st := must(m.Lstat("usr/share/doc/readme"))(t)
	if st.Size != 2 || st.Mode != 0o600 {
		t.Fatalf("WriteFile: %+v", st)
	}
	ok(t, m.WriteFile("usr/share/doc/readme", []byte("replaced"), 0o600))
	if st := must(m.Lstat("usr/share/doc/readme"))(t); st.Size != 8 {
		t.Fatalf("WriteFile replace: %+v", st)
	}
	wantErr(t, m.WriteFile("usr/share/doc/readme/x", nil, 0o644), syscall.ENOTDIR, "WriteFile under a file")
}

func TestMemFSLinkCountsAndInodes(t *testing.T) {
	m := NewMemFS()
	ok(t, m.Mkdir("a", 0o755))
	ok(t, m.Mkdir("a/b", 0o755))
	ok(t, m.Mkdir("c", 0o755))
	nlink := func(n string) uint64 { return must(m.Lstat(n))(t).Nlink }
	if nlink(".") != 4 || nlink("a") != 3 || nlink("a/b") != 2 {
		t.Fatalf("dir nlink: . %d a %d a/b %d", nlink("."), nlink("a"), nlink("a/b"))
	}
	ok(t, m.Rename("a/b", "c/b"))
	if nlink("a") != 2 || nlink("c") != 3 {
		t.Fatal("rename across dirs did not move the link count")
	}
	ok(t, m.Rmdir("c/b"))
	if nlink("c") != 2 {
		t.Fatal("rmdir did not drop the parent's link count")
	}
	seen := map[uint64]bool{}
	for _, n := range []string{".", "a", "c"} {
		st := must(m.Lstat(n))(t)
		if seen[st.Ino] || st.Dev != m.dev {
			t.Fatalf("inode %d of %s repeated or wrong dev", st.Ino, n)
		}
		seen[st.Ino] = true
	}
	if NewMemFS().dev == m.dev {
		t.Fatal("two MemFS share a device id")
	}
}

func TestMemFSDirTimes(t *testing.T) {
	m := NewMemFS()
	ok(t, m.Mkdir("d", 0o755))
	old := int64(1)
	ok(t, m.SetTimes("d", &old, &old))
	ok(t, m.WriteFile("d/f", nil, 0o644))
	st := must(m.Lstat("d"))(t)
	if st.Mtim == old || st.Ctim < st.Mtim {
		t.Fatalf("creating an entry did not touch the dir: %+v", st)
	}
	ok(t, m.SetTimes("d", &old, &old))
	f := must(m.Open("d/f", ORead, 0))(t)
	defer f.Close()
	before := must(f.Stat())(t)
	time.Sleep(time.Millisecond)
	must(f.Read(make([]byte, 1)))(t)
	if after := must(f.Stat())(t); after.Atim <= before.Atim || after.Mtim != before.Mtim {
		t.Fatalf("read: atime %d→%d mtime %d→%d", before.Atim, after.Atim, before.Mtim, after.Mtim)
	}
	ok(t, m.Unlink("d/f"))
	if st := must(m.Lstat("d"))(t); st.Mtim == old {
		t.Fatal("unlink did not touch the dir")
	}
}

func TestMemFSNames(t *testing.T) {
	m := NewMemFS()
	for name, want := range map[string]error{
		"/abs": ErrNotCapable, "../x": ErrNotCapable, "a/../b": ErrNotCapable,
		"a//b": syscall.EINVAL, "a/./b": syscall.EINVAL, "a\x00": syscall.EINVAL,
		"": syscall.ENOENT, string(bytes.Repeat([]byte("n"), 256)): syscall.ENAMETOOLONG,
	} {
		_, err := m.Open(name, ORead|OCreate, 0o644)
		wantErr(t, err, want, fmt.Sprintf("open %q", name))
		wantErr(t, m.Mkdir(name, 0o755), want, fmt.Sprintf("mkdir %q", name))
	}
	// Symlinks in the middle of a name are the walk's job, not the FS's.
	ok(t, m.Mkdir("real", 0o755))
	ok(t, m.Symlink("real", "link"))
	_, err := m.Open("link/x", ORead|OCreate, 0o644)
	wantErr(t, err, syscall.ELOOP, "symlink as a directory")
	wantErr(t, m.Symlink("", "empty"), syscall.ENOENT, "empty target")
}

func TestMemFSCapacity(t *testing.T) {
	m := NewMemFS()
	e := entryCost("big", "") // the entry counts too
	m.SetCapacity(4*chunkSize + e)
	f := must(m.Open("big", OWrite|OCreate, 0o644))(t)
	n, err := f.Write(make([]byte, 5*chunkSize))
	wantErr(t, err, syscall.ENOSPC, "write past capacity")
	if n != 4*chunkSize || m.Used() != 4*chunkSize+e {
		t.Fatalf("wrote %d, used %d", n, m.Used())
	}
	wantErr(t, errOf(f.Pwrite([]byte("x"), 1<<40)), syscall.ENOSPC, "write at capacity")
	ok(t, f.Truncate(chunkSize))
	if m.Used() != chunkSize+e {
		t.Fatalf("truncate left %d used", m.Used())
	}
	// Holes cost nothing.
	must(f.Pwrite([]byte("x"), 1<<40))(t)
	if st := must(f.Stat())(t); m.Used() != 2*chunkSize+e || st.Size != 1<<40+1 {
		t.Fatalf("sparse write: used %d size %d", m.Used(), st.Size)
	}
	ok(t, f.Truncate(chunkSize))
	// Storage of an unlinked file goes when its last handle closes.
	ok(t, m.Unlink("big"))
	if m.Used() != chunkSize {
		t.Fatal("storage freed while still open")
	}
	ok(t, f.Close())
	if m.Used() != 0 {
		t.Fatalf("storage kept after close: %d", m.Used())
	}
	wantErr(t, f.Close(), syscall.EBADF, "double close")
}

func errOf(_ int, err error) error { return err }

func TestMemFSTruncateZeroes(t *testing.T) {
	m := NewMemFS()
	f := must(m.Open("f", ORead|OWrite|OCreate, 0o644))(t)
	defer f.Close()
	data := bytes.Repeat([]byte{0xaa}, 3*chunkSize)
	must(f.Write(data))(t)
	ok(t, f.Truncate(chunkSize+10))
	ok(t, f.Truncate(3*chunkSize))
	got := make([]byte, 3*chunkSize)
	must(f.Pread(got, 0))(t)
	want := append(bytes.Repeat([]byte{0xaa}, chunkSize+10), make([]byte, 2*chunkSize-10)...)
	if !bytes.Equal(got, want) {
		t.Fatal("bytes past a shrink came back after growth")
	}
}

// TestMemFSConcurrent hammers one MemFS from many goroutines; run with
// -race it checks the locking, and the final state checks nothing was lost.
func TestMemFSConcurrent(t *testing.T) {
	m := NewMemFS()
	ns := NewNamespace(m)
	ok(t, m.Mkdir("shared", 0o755))
	shared := must(m.Open("log", OWrite|OCreate|OAppend, 0o644))(t)
	defer shared.Close()
	const workers, rounds = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			dir := fmt.Sprintf("w%d", w)
			ok(t, m.Mkdir(dir, 0o755))
			for i := range rounds {
				name := fmt.Sprintf("%s/f%d", dir, i)
				nsWrite(t, ns, name, name)
				if s, err := nsRead(t, ns, "/", name); err != nil || s != name {
					t.Errorf("read back %s: %q %v", name, s, err)
					return
				}
				ok(t, ns.Rename("/", name, "/", fmt.Sprintf("shared/%s-%d", dir, i)))
				must(shared.Write([]byte("0123456789")))(t)
				d := must2(ns.Open("/", "shared", ORead, 0))(t)
				must(d.ReadDir())(t)
				d.Close()
			}
		})
	}
	wg.Wait()
	d := must2(ns.Open("/", "shared", ORead, 0))(t)
	defer d.Close()
	if n := len(must(d.ReadDir())(t)); n != workers*rounds {
		t.Fatalf("%d entries, want %d", n, workers*rounds)
	}
	if st := must(shared.Stat())(t); st.Size != workers*rounds*10 {
		t.Fatalf("appends lost: size %d", st.Size)
	}
}

func TestMemFSDirHandleAfterRmdir(t *testing.T) {
	m := NewMemFS()
	ok(t, m.Mkdir("d", 0o755))
	d := must(m.Open("d", ORead, 0))(t)
	defer d.Close()
	ok(t, m.Rmdir("d"))
	if ents := must(d.ReadDir())(t); len(ents) != 0 {
		t.Fatal(ents)
	}
	if st := must(d.Stat())(t); st.Nlink != 0 {
		t.Fatalf("removed dir nlink %d", st.Nlink)
	}
}

// TestMemFSEntriesCount: empty files, directories, links and symlink
// targets count against the capacity too, so that a program cannot fill
// the host's memory with names; removing them all gives it all back.
func TestMemFSEntriesCount(t *testing.T) {
	m := NewMemFS()
	m.SetCapacity(64 << 10)
	var err error
	n := 0
	for ; n < 10000; n++ {
		var f File
		if f, err = m.Open(fmt.Sprintf("f%d", n), OWrite|OCreate, 0o644); err != nil {
			break
		}
		f.Close()
	}
	wantErr(t, err, syscall.ENOSPC, "creating empty files without end")
	if n < 100 || n > 256 {
		t.Fatalf("%d empty files in 64 KiB", n)
	}
	wantErr(t, m.Mkdir("d", 0o755), syscall.ENOSPC, "mkdir when full")
	wantErr(t, m.Symlink(string(bytes.Repeat([]byte("t"), 100<<10)), "s"), syscall.ENOSPC, "a huge symlink target")
	for i := 0; i < 20; i++ {
		ok(t, m.Unlink(fmt.Sprintf("f%d", i)))
	}
	ok(t, m.Mkdir("d", 0o755))
	ok(t, m.Symlink("target", "d/s"))
	ok(t, m.Link("f30", "d/hard"))
	ok(t, m.Rename("f31", "d/renamed-with-a-longer-name"))
	ok(t, m.Rename("f32", "d/hard")) // over a link of f30
	ok(t, m.Rename("d/s", "d/s2"))
	ok(t, m.Unlink("d/s2"))
	ok(t, m.Unlink("d/hard"))
	ok(t, m.Unlink("d/renamed-with-a-longer-name"))
	ok(t, m.Rmdir("d"))
	for i := 20; i < n; i++ {
		if i == 31 || i == 32 {
			continue
		}
		ok(t, m.Unlink(fmt.Sprintf("f%d", i)))
	}
	if m.Used() != 0 {
		t.Fatalf("%d bytes still counted with nothing left", m.Used())
	}
}
