package vfs

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// newTestNS builds a root MemFS with /dev and a second MemFS at /data.
func newTestNS(t *testing.T) (*Namespace, *MemFS, *MemFS) {
	t.Helper()
	root := NewRootMemFS()
	data := NewMemFS()
	ns := NewNamespace(root)
	ok(t, ns.Mount("/dev", NewDevFS(), false))
	ok(t, ns.Mount("/data", data, false))
	ok(t, root.WriteFile("/etc/passwd", []byte("root:x:0:0"), 0o644))
	ok(t, data.WriteFile("/inside/file", []byte("in data"), 0o644))
	return ns, root, data
}

func TestResolveBasics(t *testing.T) {
	ns, root, data := newTestNS(t)
	cases := []struct {
		anchor, path string
		fs           FS
		name, gp     string
	}{
		{"/", "/etc/passwd", root, "etc/passwd", "/etc/passwd"},
		{"/", "etc//passwd", root, "etc/passwd", "/etc/passwd"},
		{"/etc", "passwd", root, "etc/passwd", "/etc/passwd"},
		{"/", "/../../etc/./passwd", root, "etc/passwd", "/etc/passwd"},
		{"/", "/data", data, ".", "/data"},
		{"/", "/data/inside/../inside/file", data, "inside/file", "/data/inside/file"},
		{"/data", "inside", data, "inside", "/data/inside"},
		{"/data", "..", root, ".", "/"}, // lands on the anchor's parent only if allowed: see below
		{"/", "/data/..", root, ".", "/"},
		{"/", "/dev/null", nil, "null", "/dev/null"},
		{"/", "/", root, ".", "/"},
		{"/", "missing", root, "missing", "/missing"},
	}
	for _, c := range cases {
		if c.anchor == "/data" && c.path == ".." {
			continue
		}
		r, err := ns.Resolve(c.anchor, c.path, true)
		ok(t, err)
		if (c.fs != nil && r.FS != c.fs) || r.Name != c.name || r.Path != c.gp {
			t.Errorf("Resolve(%q, %q) = %+v, want name %q path %q", c.anchor, c.path, r, c.name, c.gp)
		}
	}
	_, err := ns.Resolve("/", "missing/x", true)
	wantErr(t, err, syscall.ENOENT, "missing intermediate")
	_, err = ns.Resolve("/", "etc/passwd/x", true)
	wantErr(t, err, syscall.ENOTDIR, "file as intermediate")
	_, err = ns.Resolve("/", "", true)
	wantErr(t, err, syscall.ENOENT, "empty path")
	_, err = ns.Resolve("/", strings.Repeat("a", 256), true)
	wantErr(t, err, syscall.ENAMETOOLONG, "long component")
	_, err = ns.Resolve("/", "a\x00b", true)
	wantErr(t, err, syscall.EINVAL, "NUL in path")
}

func TestAnchorEscape(t *testing.T) {
	ns, _, data := newTestNS(t)
	ok(t, data.Symlink("../..", "up"))
	ok(t, data.Symlink("../../etc/passwd", "inside/passwd"))
	ok(t, data.Symlink("../inside", "inside/back"))
	ok(t, data.Symlink("/etc/passwd", "abs"))
	ok(t, data.Symlink("inside/file", "rel"))
	ok(t, data.Symlink("file", "inside/same"))

	for _, p := range []string{"..", "../etc/passwd", "inside/../../etc", "up", "up/etc/passwd", "inside/passwd"} {
		_, err := ns.Resolve("/data", p, true)
		wantErr(t, err, ErrNotCapable, "escape via "+p)
		_, _, err = ns.Open("/data", p, ORead, 0)
		wantErr(t, err, ErrNotCapable, "open escape via "+p)
	}
	// Staying inside is fine, and an absolute symlink restarts at "/".
	for p, want := range map[string]string{
		"inside/../inside/file": "in data",
		"rel":                   "in data",
		"inside/same":           "in data",
		"inside/back/file":      "in data",
		"abs":                   "root:x:0:0",
		"/etc/passwd":           "root:x:0:0",
	} {
		s, err := nsRead(t, ns, "/data", p)
		if err != nil || s != want {
			t.Errorf("read %s: %q %v", p, s, err)
		}
	}
	// From the root anchor ".." simply stops at "/".
	if s, err := nsRead(t, ns, "/", "data/up/etc/passwd"); err != nil || s != "root:x:0:0" {
		t.Errorf("up from /: %q %v", s, err)
	}
	// A deeper anchor confines to itself, not to the mount.
	_, err := ns.Resolve("/data/inside", "../rel", true)
	wantErr(t, err, ErrNotCapable, "above a deep anchor")
}

func TestSymlinkLoops(t *testing.T) {
	ns, root, _ := newTestNS(t)
	ok(t, root.Symlink("self", "self"))
	ok(t, root.Symlink("b", "a"))
	ok(t, root.Symlink("a", "b"))
	ok(t, root.Symlink("loopdir/x", "loopdir"))
	for _, p := range []string{"self", "a", "b/c", "loopdir", "a/"} {
		_, err := ns.Resolve("/", p, true)
		wantErr(t, err, syscall.ELOOP, "loop "+p)
	}
	// Not following the final component makes the same path fine.
	r, err := ns.Resolve("/", "self", false)
	ok(t, err)
	if r.Name != "self" {
		t.Fatalf("%+v", r)
	}
	// A chain of exactly 40 links resolves; 41 do not.
	ok(t, root.WriteFile("end", []byte("end"), 0o644))
	prev := "end"
	for i := 1; i <= 41; i++ {
		name := fmt.Sprintf("c%d", i)
		ok(t, root.Symlink(prev, name))
		prev = name
	}
	if s, err := nsRead(t, ns, "/", "c40"); err != nil || s != "end" {
		t.Fatalf("40 links: %q %v", s, err)
	}
	_, err = ns.Resolve("/", "c41", true)
	wantErr(t, err, syscall.ELOOP, "41 links")
}

func TestSymlinkAcrossMounts(t *testing.T) {
	ns, root, data := newTestNS(t)
	ok(t, root.Symlink("/dev/zero", "zero"))
	ok(t, root.Symlink("data/inside", "in"))
	ok(t, data.Symlink("../etc", "etc")) // climbs out of the mount into the root FS
	f, p, err := ns.Open("/", "zero", ORead, 0)
	ok(t, err)
	defer f.Close()
	if p != "/dev/zero" {
		t.Fatalf("path %q", p)
	}
	buf := []byte{1, 2, 3}
	if n := must(f.Read(buf))(t); n != 3 || buf[0]|buf[1]|buf[2] != 0 {
		t.Fatalf("zero read %v", buf)
	}
	if s, err := nsRead(t, ns, "/", "in/file"); err != nil || s != "in data" {
		t.Fatalf("in/file: %q %v", s, err)
	}
	if s, err := nsRead(t, ns, "/", "data/etc/passwd"); err != nil || s != "root:x:0:0" {
		t.Fatalf("data/etc/passwd: %q %v", s, err)
	}
}

func TestSyntheticMountPoints(t *testing.T) {
	root := NewMemFS()
	ns := NewNamespace(root)
	deep := NewMemFS()
	ok(t, deep.WriteFile("hello", []byte("hi"), 0o644))
	ok(t, ns.Mount("/mnt/a/b", deep, false))
	ok(t, root.WriteFile("real", nil, 0o644))

	if s, err := nsRead(t, ns, "/", "/mnt/a/b/hello"); err != nil || s != "hi" {
		t.Fatalf("read through synthetic dirs: %q %v", s, err)
	}
	for _, p := range []string{"/mnt", "/mnt/a", "/mnt/a/"} {
		st := must(ns.Stat("/", p, true))(t)
		if st.Type != TypeDir {
			t.Fatalf("stat %s: %+v", p, st)
		}
	}
	d := must2(ns.Open("/", "/", ORead, 0))(t)
	if n := names(t, d); !slices.Equal(n, []string{"mnt", "real"}) {
		t.Fatalf("root lists %v", n)
	}
	d.Close()
	d = must2(ns.Open("/", "/mnt/a", ORead|ODirectory, 0))(t)
	if n := names(t, d); !slices.Equal(n, []string{"b"}) {
		t.Fatalf("/mnt/a lists %v", n)
	}
	d.Close()
	_, _, err := ns.Open("/", "/mnt", OWrite, 0)
	wantErr(t, err, syscall.EISDIR, "write-open of a synthetic dir")
	wantErr(t, ns.Mkdir("/", "/mnt", 0o755), syscall.EEXIST, "mkdir of a synthetic dir")
	wantErr(t, ns.Rmdir("/", "/mnt/a"), syscall.EBUSY, "rmdir of a synthetic dir")
	wantErr(t, ns.Rmdir("/", "/mnt/a/b"), syscall.EBUSY, "rmdir of a mount point")
	wantErr(t, ns.Unlink("/", "/mnt"), syscall.EISDIR, "unlink of a synthetic dir")
	wantErr(t, ns.Rename("/", "/mnt/a/b", "/", "/x"), syscall.EBUSY, "rename of a mount point")
	wantErr(t, ns.Rename("/", "/real", "/", "/mnt"), syscall.EBUSY, "rename onto a synthetic dir")
	// ".." out of a mount goes to the parent in the namespace.
	if r := must(ns.Resolve("/", "/mnt/a/b/../../..", true))(t); r.Path != "/" {
		t.Fatalf("dot-dot out of a mount: %+v", r)
	}
	// A dir shadowed by a mount lists once.
	ok(t, root.Mkdir("dev", 0o755))
	ok(t, ns.Mount("/dev", NewDevFS(), false))
	d = must2(ns.Open("/", "/", ORead, 0))(t)
	if n := names(t, d); !slices.Equal(n, []string{"dev", "mnt", "real"}) {
		t.Fatalf("root lists %v", n)
	}
	d.Close()
}

func TestCrossMount(t *testing.T) {
	ns, _, _ := newTestNS(t)
	nsWrite(t, ns, "/tmp/f", "x")
	wantErr(t, ns.Rename("/", "/tmp/f", "/", "/data/f"), syscall.EXDEV, "rename across mounts")
	wantErr(t, ns.Link("/", "/tmp/f", false, "/", "/data/f"), syscall.EXDEV, "link across mounts")
	ok(t, ns.Rename("/data", "inside/file", "/", "/data/moved"))
	if s, err := nsRead(t, ns, "/", "/data/moved"); err != nil || s != "in data" {
		t.Fatalf("moved: %q %v", s, err)
	}
	// The same FS mounted twice is still two mounts.
	ns2 := NewNamespace(NewMemFS())
	shared := NewMemFS()
	ok(t, shared.WriteFile("f", nil, 0o644))
	ok(t, ns2.Mount("/a", shared, false))
	ok(t, ns2.Mount("/b", shared, false))
	wantErr(t, ns2.Rename("/", "/a/f", "/", "/b/g"), syscall.EXDEV, "rename between two mounts of one FS")
}

func TestReadOnlyMount(t *testing.T) {
	for _, m := range writableFSes() {
		t.Run(m.name, func(t *testing.T) { testReadOnlyMount(t, m.make(t)) })
	}
}

func testReadOnlyMount(t *testing.T, ro FS) {
	rw := NewNamespace(ro)
	nsWrite(t, rw, "f", "ro data")
	ok(t, rw.Mkdir("/", "d", 0o755))
	ok(t, rw.Symlink("f", "/", "l"))
	ns := NewNamespace(NewMemFS())
	ok(t, ns.Mount("/ro", ro, true))

	if s, err := nsRead(t, ns, "/", "/ro/l"); err != nil || s != "ro data" {
		t.Fatalf("read: %q %v", s, err)
	}
	for _, c := range []struct {
		what string
		err  error
		want error
	}{
		{"create", open3err(ns.Open("/", "/ro/new", OWrite|OCreate, 0o644)), syscall.EROFS},
		{"open for write", open3err(ns.Open("/", "/ro/f", OWrite, 0)), syscall.EROFS},
		{"truncate on open", open3err(ns.Open("/", "/ro/f", ORead|OTrunc, 0)), syscall.EROFS},
		{"excl on existing", open3err(ns.Open("/", "/ro/f", OWrite|OCreate|OExcl, 0)), syscall.EEXIST},
		{"create in missing dir", open3err(ns.Open("/", "/ro/x/y", OWrite|OCreate, 0)), syscall.ENOENT},
		{"mkdir", ns.Mkdir("/", "/ro/nd", 0o755), syscall.EROFS},
		{"mkdir existing", ns.Mkdir("/", "/ro/d", 0o755), syscall.EEXIST},
		{"rmdir", ns.Rmdir("/", "/ro/d"), syscall.EROFS},
		{"unlink", ns.Unlink("/", "/ro/f"), syscall.EROFS},
		{"unlink missing", ns.Unlink("/", "/ro/nope"), syscall.ENOENT},
		{"rename", ns.Rename("/", "/ro/f", "/", "/ro/g"), syscall.EROFS},
		{"link", ns.Link("/", "/ro/f", false, "/", "/ro/g"), syscall.EROFS},
		{"symlink", ns.Symlink("f", "/", "/ro/s"), syscall.EROFS},
		{"settimes", ns.SetTimes("/", "/ro/f", nil, nil, true), syscall.EROFS},
	} {
		wantErr(t, c.err, c.want, c.what)
	}
	f := must2(ns.Open("/", "/ro/f", ORead|OCreate, 0))(t) // O_CREAT on an existing file is a plain open
	defer f.Close()
	wantErr(t, f.Truncate(0), syscall.EROFS, "ftruncate")
	wantErr(t, f.SetTimes(nil, nil), syscall.EROFS, "futimens")
	_, err := f.Write([]byte("x"))
	wantErr(t, err, syscall.EBADF, "write")
	if ms := ns.Mounts(); len(ms) != 2 || ms[0].Path != "/" || ms[1].Path != "/ro" || !ms[1].ReadOnly {
		t.Fatalf("mounts %+v", ms)
	}
	// The FS itself is untouched and still writable outside the mount.
	nsWrite(t, rw, "f", "changed")
	if s, _ := nsRead(t, ns, "/", "/ro/f"); s != "changed" {
		t.Fatalf("read-only view does not see changes: %q", s)
	}
}

func open3err(f File, _ string, err error) error {
	if f != nil {
		f.Close()
	}
	return err
}

func TestClone(t *testing.T) {
	ns, _, _ := newTestNS(t)
	child := ns.Clone()
	extra := NewMemFS()
	ok(t, child.Mount("/extra", extra, false))
	if _, err := ns.Stat("/", "/extra", true); err == nil {
		t.Fatal("a mount in the clone shows in the parent")
	}
	must(child.Stat("/", "/extra", true))(t)
	nsWrite(t, child, "/tmp/shared", "from child")
	if s, err := nsRead(t, ns, "/", "/tmp/shared"); err != nil || s != "from child" {
		t.Fatalf("parent does not see the child's file: %q %v", s, err)
	}
}

func TestMountErrors(t *testing.T) {
	ns := NewNamespace(NewMemFS())
	wantErr(t, ns.Mount("rel", NewMemFS(), false), syscall.EINVAL, "relative mount path")
	wantErr(t, ns.Mount("/x", nil, false), syscall.EINVAL, "nil FS")
	a, b := NewMemFS(), NewMemFS()
	ok(t, a.WriteFile("which", []byte("a"), 0o644))
	ok(t, b.WriteFile("which", []byte("b"), 0o644))
	ok(t, ns.Mount("/m/", a, false))
	ok(t, ns.Mount("/m", b, false)) // replaces
	if s, _ := nsRead(t, ns, "/", "/m/which"); s != "b" {
		t.Fatalf("remount: %q", s)
	}
	if len(ns.Mounts()) != 2 {
		t.Fatalf("mounts %+v", ns.Mounts())
	}
}

func TestNamespaceOpenAnchorPath(t *testing.T) {
	ns, _, _ := newTestNS(t)
	d, p, err := ns.Open("/", "/data/inside/", ORead, 0)
	ok(t, err)
	defer d.Close()
	if p != "/data/inside" {
		t.Fatalf("path %q", p)
	}
	// The returned path works as an anchor.
	if s, err := nsRead(t, ns, p, "file"); err != nil || s != "in data" {
		t.Fatalf("%q %v", s, err)
	}
	_, err = ns.Resolve(p, "../..", true)
	wantErr(t, err, ErrNotCapable, "above the opened dir")
}

// countingFS counts Lstat calls of a MemFS (keeping its strict Lstat).
type countingFS struct {
	*MemFS
	lstats int
}

func (c *countingFS) Lstat(name string) (Stat, error) {
	c.lstats++
	return c.MemFS.Lstat(name)
}

func TestResolveFastPath(t *testing.T) {
	c := &countingFS{MemFS: NewMemFS()}
	ns := NewNamespace(c)
	ok(t, c.MkdirAll("a/b/c/d/e/f/g/h", 0o755))
	ok(t, c.WriteFile("a/b/c/d/e/f/g/h/file", []byte("deep"), 0o644))
	c.lstats = 0
	st := must(ns.Stat("/", "/a/b/c/d/e/f/g/h/file", true))(t)
	if st.Size != 4 || c.lstats > 2 {
		t.Fatalf("size %d after %d Lstat calls", st.Size, c.lstats)
	}
	// A symlink in the middle makes the fast path fail; the slow walk
	// still gets it right, including a ".." relative to the link target.
	ok(t, c.Symlink("a/b/c/d", "short"))
	ok(t, c.Symlink("../../c/d/e", "a/b/c/d/back"))
	for _, p := range []string{"short/e/f/g/h/file", "short/back/f/g/h/file", "a/b/c/d/back/f/../f/g/h/file"} {
		if s, err := nsRead(t, ns, "/", p); err != nil || s != "deep" {
			t.Fatalf("%s: %q %v", p, s, err)
		}
	}
	// A mount on the way is not skipped.
	other := NewMemFS()
	ok(t, other.MkdirAll("e/f/g/h", 0o755))
	ok(t, other.WriteFile("e/f/g/h/file", []byte("mounted"), 0o644))
	ok(t, ns.Mount("/a/b/c/d", other, false))
	if s, err := nsRead(t, ns, "/", "/a/b/c/d/e/f/g/h/file"); err != nil || s != "mounted" {
		t.Fatalf("through mount: %q %v", s, err)
	}
}
