package vfs

import (
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// MemFS is a filesystem held in memory: directories, regular files, symlinks
// and hard links, with inode numbers, link counts and POSIX timestamps. It
// is the default root of a runtime. All methods are safe for concurrent use.
type MemFS struct {
	// mu guards the tree: directory entries and link counts. Lock order:
	// MemFS.mu before any inode.mu.
	mu       sync.RWMutex
	dev      uint64
	lastIno  atomic.Uint64
	root     *inode
	used     atomic.Int64 // bytes held in file chunks
	capacity atomic.Int64 // limit on used; 0 means none
}

// chunkSize is the unit of file storage. Files are maps of chunks so that
// holes (from truncate or a write past the end) cost nothing.
const chunkSize = 64 << 10

type chunk [chunkSize]byte

type inode struct {
	ino    uint64
	typ    FileType
	target string // symlink content; immutable

	// entries lists a directory; guarded by MemFS.mu, not by mu.
	entries map[string]*inode

	mu               sync.Mutex // guards the fields below
	mode             uint32
	nlink            uint64 // also written under MemFS.mu
	opens            int    // open handles; storage is freed when both this and nlink reach 0
	atim, mtim, ctim int64
	size             int64
	chunks           map[int64]*chunk
}

// NewMemFS returns an empty MemFS whose root directory has mode 0755.
func NewMemFS() *MemFS {
	m := &MemFS{dev: newDev()}
	m.root = m.newInode(TypeDir, 0o755)
	m.root.nlink = 2
	return m
}

// NewRootMemFS returns a MemFS laid out as the root of a small Unix system:
// /bin, /usr/bin, /etc, /home, /tmp (sticky, world-writable) and /dev, on
// which the caller is expected to mount a DevFS.
func NewRootMemFS() *MemFS {
	m := NewMemFS()
	for _, d := range []string{"bin", "dev", "etc", "home", "tmp", "usr", "usr/bin"} {
		_ = m.Mkdir(d, 0o755)
	}
	if n, err := m.lookup("tmp"); err == nil {
		n.mode = 0o1777
	}
	return m
}

// SetCapacity limits the bytes the file contents of m may occupy (0 lifts
// the limit); a write that needs more fails with ENOSPC. Storage is counted
// in 64 KiB chunks, so the limit is approximate by up to one chunk a file.
func (m *MemFS) SetCapacity(bytes int64) { m.capacity.Store(bytes) }

// Used reports the bytes the file contents of m currently occupy.
func (m *MemFS) Used() int64 { return m.used.Load() }

// WriteFile creates or replaces the regular file at name with data, making
// missing parent directories (mode 0755). A leading "/" in name is allowed.
// It is meant for embedders preparing a filesystem before a program runs.
func (m *MemFS) WriteFile(name string, data []byte, perm uint32) error {
	name = strings.TrimLeft(name, "/")
	if err := m.MkdirAll(parentDir(name), 0o755); err != nil {
		return err
	}
	f, err := m.Open(name, OWrite|OCreate|OTrunc, perm)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.Write(data)
	return err
}

// MkdirAll makes the directory name and any missing parents. A leading "/"
// in name is allowed.
func (m *MemFS) MkdirAll(name string, perm uint32) error {
	name = strings.Trim(name, "/")
	if name == "" || name == "." {
		return nil
	}
	dir := ""
	for c := range strings.SplitSeq(name, "/") {
		dir = joinName(dir, c)
		err := m.Mkdir(dir, perm)
		if err == syscall.EEXIST {
			if st, _ := m.Lstat(dir); st.Type == TypeDir {
				continue
			}
			return syscall.ENOTDIR
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parentDir(name string) string {
	dir, _ := splitParent(name)
	return dir
}

func joinName(dir, base string) string {
	if dir == "" || dir == "." {
		return base
	}
	return dir + "/" + base
}

func now() int64 { return time.Now().UnixNano() }

func (m *MemFS) newInode(typ FileType, mode uint32) *inode {
	t := now()
	n := &inode{ino: m.lastIno.Add(1), typ: typ, mode: mode & 0o7777, nlink: 1, atim: t, mtim: t, ctim: t}
	if typ == TypeDir {
		n.entries = map[string]*inode{}
	}
	return n
}

// parentOf walks to the directory holding the last component of a checked
// name. The caller holds m.mu.
func (m *MemFS) parentOf(name string) (*inode, string, error) {
	dir := m.root
	for {
		i := strings.IndexByte(name, '/')
		if i < 0 {
			return dir, name, nil
		}
		child := dir.entries[name[:i]]
		switch {
		case child == nil:
			return nil, "", syscall.ENOENT
		case child.typ == TypeSymlink:
			return nil, "", syscall.ELOOP // the walk promised no symlinks here
		case child.typ != TypeDir:
			return nil, "", syscall.ENOTDIR
		}
		dir, name = child, name[i+1:]
	}
}

// lookup finds the object at a checked name. The caller holds m.mu.
func (m *MemFS) lookup(name string) (*inode, error) {
	if name == "." {
		return m.root, nil
	}
	dir, base, err := m.parentOf(name)
	if err != nil {
		return nil, err
	}
	if n := dir.entries[base]; n != nil {
		return n, nil
	}
	return nil, syscall.ENOENT
}

// touchDir records a change of a directory's entries.
func touchDir(d *inode, t int64) {
	d.mu.Lock()
	d.mtim, d.ctim = t, t
	d.mu.Unlock()
}

// Open opens or creates the named object; see FS.Open.
func (m *MemFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if flags&(OCreate|ODirectory) == OCreate|ODirectory {
		return nil, syscall.EINVAL
	}
	if flags&OCreate != 0 {
		m.mu.Lock()
		defer m.mu.Unlock()
	} else {
		m.mu.RLock()
		defer m.mu.RUnlock()
	}
	dir, base, n := (*inode)(nil), ".", m.root
	if name != "." {
		var err error
		if dir, base, err = m.parentOf(name); err != nil {
			return nil, err
		}
		n = dir.entries[base]
	}
	switch {
	case n == nil && flags&OCreate == 0:
		return nil, syscall.ENOENT
	case n == nil:
		if !m.reserve(entryCost(base, "")) {
			return nil, syscall.ENOSPC
		}
		n = m.newInode(TypeRegular, perm)
		n.chunks = map[int64]*chunk{}
		dir.entries[base] = n
		touchDir(dir, n.ctim)
	case flags&(OCreate|OExcl) == OCreate|OExcl:
		return nil, syscall.EEXIST
	case n.typ == TypeSymlink:
		return nil, syscall.ELOOP
	case n.typ == TypeDir && flags&(OWrite|OTrunc|OCreate) != 0:
		return nil, syscall.EISDIR
	case n.typ != TypeDir && flags&ODirectory != 0:
		return nil, syscall.ENOTDIR
	case n.typ == TypeRegular && flags&OTrunc != 0:
		n.mu.Lock()
		m.truncate(n, 0)
		t := now()
		n.mtim, n.ctim = t, t
		n.mu.Unlock()
	}
	n.mu.Lock()
	n.opens++
	n.mu.Unlock()
	return &memFile{fs: m, n: n, flags: flags}, nil
}

// Lstat describes the named object, not following a final symlink.
func (m *MemFS) Lstat(name string) (Stat, error) {
	return atName(m, name, func(n *inode) (Stat, error) { return m.stat(n), nil })
}

// atName runs read on the object at name, with m.mu held for reading.
func atName[T any](m *MemFS, name string, read func(*inode) (T, error)) (T, error) {
	var zero T
	if err := checkName(name); err != nil {
		return zero, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.lookup(name)
	if err != nil {
		return zero, err
	}
	return read(n)
}

func (m *MemFS) stat(n *inode) Stat {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := Stat{Dev: m.dev, Ino: n.ino, Type: n.typ, Nlink: n.nlink, Size: n.size,
		Atim: n.atim, Mtim: n.mtim, Ctim: n.ctim, Mode: n.mode}
	if n.typ == TypeSymlink {
		st.Size = int64(len(n.target))
	}
	return st
}

// Readlink returns the target of the named symlink.
func (m *MemFS) Readlink(name string) (string, error) {
	return atName(m, name, func(n *inode) (string, error) {
		if n.typ != TypeSymlink {
			return "", syscall.EINVAL
		}
		return n.target, nil
	})
}

// Mkdir creates a directory.
func (m *MemFS) Mkdir(name string, perm uint32) error {
	return m.create(name, func() *inode {
		d := m.newInode(TypeDir, perm)
		d.nlink = 2
		return d
	})
}

// Symlink creates a symlink holding target.
func (m *MemFS) Symlink(target, name string) error {
	if target == "" {
		return syscall.ENOENT
	}
	if strings.IndexByte(target, 0) >= 0 {
		return syscall.EINVAL
	}
	return m.create(name, func() *inode {
		s := m.newInode(TypeSymlink, 0o777)
		s.target = target
		return s
	})
}

// inParent runs change on the directory holding name and name's last
// component, with m.mu held for writing; dotErr is the answer for ".".
func (m *MemFS) inParent(name string, dotErr syscall.Errno, change func(dir *inode, base string) error) error {
	if err := checkName(name); err != nil {
		return err
	}
	if name == "." {
		return dotErr
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.parentOf(name)
	if err != nil {
		return err
	}
	return change(dir, base)
}

// create adds a new entry made by mk at name, which must not exist.
func (m *MemFS) create(name string, mk func() *inode) error {
	return m.inParent(name, syscall.EEXIST, func(dir *inode, base string) error {
		if dir.entries[base] != nil {
			return syscall.EEXIST
		}
		n := mk()
		if !m.reserve(entryCost(base, n.target)) {
			return syscall.ENOSPC
		}
		dir.entries[base] = n
		dir.mu.Lock()
		if n.typ == TypeDir {
			dir.nlink++
		}
		dir.mtim, dir.ctim = n.ctim, n.ctim
		dir.mu.Unlock()
		return nil
	})
}

// Rmdir removes an empty directory.
func (m *MemFS) Rmdir(name string) error {
	return m.inParent(name, syscall.EBUSY, m.rmdir)
}

func (m *MemFS) rmdir(dir *inode, base string) error {
	n := dir.entries[base]
	switch {
	case n == nil:
		return syscall.ENOENT
	case n.typ != TypeDir:
		return syscall.ENOTDIR
	case len(n.entries) > 0:
		return syscall.ENOTEMPTY
	}
	delete(dir.entries, base)
	m.used.Add(-entryCost(base, ""))
	m.dropDir(dir, n, now())
	return nil
}

// dropDir accounts for the removal of directory n from dir. The caller
// holds m.mu.
func (m *MemFS) dropDir(dir, n *inode, t int64) {
	dir.mu.Lock()
	dir.nlink--
	dir.mtim, dir.ctim = t, t
	dir.mu.Unlock()
	n.mu.Lock()
	n.nlink = 0
	n.ctim = t
	n.mu.Unlock()
}

// Unlink removes a non-directory entry.
func (m *MemFS) Unlink(name string) error {
	return m.inParent(name, syscall.EISDIR, m.unlink)
}

func (m *MemFS) unlink(dir *inode, base string) error {
	n := dir.entries[base]
	switch {
	case n == nil:
		return syscall.ENOENT
	case n.typ == TypeDir:
		return syscall.EISDIR
	}
	delete(dir.entries, base)
	m.used.Add(-entryCost(base, ""))
	t := now()
	touchDir(dir, t)
	m.dropLink(n, t)
	return nil
}

// dropLink removes one link to the non-directory n, freeing its storage
// when nothing refers to it any more.
func (m *MemFS) dropLink(n *inode, t int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nlink--
	n.ctim = t
	if n.nlink == 0 {
		m.used.Add(-int64(len(n.target))) // charged by create
	}
	if n.nlink == 0 && n.opens == 0 {
		m.truncate(n, 0)
	}
}

// Rename moves oldName to newName as rename(2) does.
func (m *MemFS) Rename(oldName, newName string) error {
	if err := checkName(oldName); err != nil {
		return err
	}
	if err := checkName(newName); err != nil {
		return err
	}
	if oldName == "." || newName == "." {
		return syscall.EBUSY
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	oldDir, oldBase, err := m.parentOf(oldName)
	if err != nil {
		return err
	}
	n := oldDir.entries[oldBase]
	if n == nil {
		return syscall.ENOENT
	}
	newDir, newBase, err := m.parentOf(newName)
	if err != nil {
		return err
	}
	victim := newDir.entries[newBase]
	if victim == n {
		return nil // both names are links to one object: nothing to do
	}
	if n.typ == TypeDir {
		if strings.HasPrefix(newName, oldName+"/") {
			return syscall.EINVAL // a directory cannot move into itself
		}
		if victim != nil && victim.typ != TypeDir {
			return syscall.ENOTDIR
		}
		if victim != nil && len(victim.entries) > 0 {
			return syscall.ENOTEMPTY
		}
	} else if victim != nil && victim.typ == TypeDir {
		return syscall.EISDIR
	}

	t := now()
	// The entry moves: its name's cost changes, the victim's goes.
	m.used.Add(int64(len(newBase)) - int64(len(oldBase)))
	if victim != nil {
		m.used.Add(-entryCost(newBase, ""))
		if victim.typ == TypeDir {
			m.dropDir(newDir, victim, t)
		} else {
			m.dropLink(victim, t)
		}
	}
	delete(oldDir.entries, oldBase)
	newDir.entries[newBase] = n
	if n.typ == TypeDir && oldDir != newDir {
		oldDir.mu.Lock()
		oldDir.nlink--
		oldDir.mu.Unlock()
		newDir.mu.Lock()
		newDir.nlink++
		newDir.mu.Unlock()
	}
	touchDir(oldDir, t)
	touchDir(newDir, t)
	n.mu.Lock()
	n.ctim = t
	n.mu.Unlock()
	return nil
}

// Link adds newName as another name of the non-directory at oldName.
func (m *MemFS) Link(oldName, newName string) error {
	if err := checkName(oldName); err != nil {
		return err
	}
	if err := checkName(newName); err != nil {
		return err
	}
	if newName == "." {
		return syscall.EEXIST
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookup(oldName)
	if err != nil {
		return err
	}
	if n.typ == TypeDir {
		return syscall.EPERM
	}
	dir, base, err := m.parentOf(newName)
	if err != nil {
		return err
	}
	if dir.entries[base] != nil {
		return syscall.EEXIST
	}
	if !m.reserve(entryCost(base, "")) {
		return syscall.ENOSPC
	}
	dir.entries[base] = n
	t := now()
	touchDir(dir, t)
	n.mu.Lock()
	n.nlink++
	n.ctim = t
	n.mu.Unlock()
	return nil
}

// SetTimes sets the times of the named object itself.
func (m *MemFS) SetTimes(name string, atim, mtim *int64) error {
	_, err := atName(m, name, func(n *inode) (struct{}, error) {
		n.setTimes(atim, mtim)
		return struct{}{}, nil
	})
	return err
}

func (n *inode) setTimes(atim, mtim *int64) {
	t := now()
	pick := func(p *int64, old int64) int64 {
		switch {
		case p == nil:
			return old
		case *p == TimeNow:
			return t
		}
		return *p
	}
	n.mu.Lock()
	n.atim = pick(atim, n.atim)
	n.mtim = pick(mtim, n.mtim)
	n.ctim = t
	n.mu.Unlock()
}

// readAt copies file bytes at off into p; holes read as zeros. The caller
// holds n.mu.
func (n *inode) readAt(p []byte, off int64) int {
	if off >= n.size {
		return 0
	}
	if rem := n.size - off; int64(len(p)) > rem {
		p = p[:rem]
	}
	for done := 0; done < len(p); {
		pos := off + int64(done)
		co := pos % chunkSize
		k := min(len(p)-done, chunkSize-int(co))
		if c := n.chunks[pos/chunkSize]; c != nil {
			copy(p[done:done+k], c[co:])
		} else {
			clear(p[done : done+k])
		}
		done += k
	}
	return len(p)
}

// writeAt stores p at off, growing the file. It stops early with ENOSPC
// when the capacity of m is reached. The caller holds n.mu.
func (m *MemFS) writeAt(n *inode, p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if off > math.MaxInt64-int64(len(p)) {
		return 0, syscall.EFBIG
	}
	done := 0
	var err error
	for done < len(p) {
		pos := off + int64(done)
		ci, co := pos/chunkSize, pos%chunkSize
		c := n.chunks[ci]
		if c == nil {
			if !m.reserve(chunkSize) {
				err = syscall.ENOSPC
				break
			}
			c = new(chunk)
			n.chunks[ci] = c
		}
		done += copy(c[co:], p[done:])
	}
	if end := off + int64(done); end > n.size {
		n.size = end
	}
	return done, err
}

// entryCost is what a directory entry counts against the capacity, so
// that names, symlink targets and empty files cannot fill the host's
// memory either: a fixed share for the entry and its inode, plus its
// name and a symlink's target.
func entryCost(name, target string) int64 {
	return 256 + int64(len(name)) + int64(len(target))
}

func (m *MemFS) reserve(bytes int64) bool {
	limit := m.capacity.Load()
	if m.used.Add(bytes) > limit && limit > 0 {
		m.used.Add(-bytes)
		return false
	}
	return true
}

// truncate sets the size of a regular file, releasing chunks wholly past
// the new end and zeroing the tail of the chunk the end falls in, so a later
// growth reads zeros. The caller holds n.mu.
func (m *MemFS) truncate(n *inode, size int64) {
	if size < n.size {
		keep := (size + chunkSize - 1) / chunkSize
		for ci := range n.chunks {
			if ci >= keep {
				delete(n.chunks, ci)
				m.used.Add(-chunkSize)
			}
		}
		if co := size % chunkSize; co != 0 {
			if c := n.chunks[size/chunkSize]; c != nil {
				clear(c[co:])
			}
		}
	}
	n.size = size
}

// memFile is an open MemFS object.
type memFile struct {
	fs *MemFS
	n  *inode

	mu     sync.Mutex // guards the fields below; taken before n.mu
	flags  OpenFlags
	off    int64
	closed bool
}

// check validates a handle for an operation needing the access mode want
// (0 for none). The caller holds f.mu.
func (f *memFile) check(want OpenFlags) error {
	switch {
	case f.closed:
		return syscall.EBADF
	case want != 0 && f.n.typ == TypeDir:
		return syscall.EISDIR
	case f.flags&want != want:
		return syscall.EBADF
	}
	return nil
}

func (f *memFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(ORead); err != nil {
		return 0, err
	}
	n := f.n.read(p, f.off)
	f.off += int64(n)
	return n, nil
}

func (f *memFile) Pread(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	f.mu.Lock()
	err := f.check(ORead)
	f.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return f.n.read(p, off), nil
}

func (n *inode) read(p []byte, off int64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := n.readAt(p, off)
	n.atim = now()
	return c
}

func (f *memFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OWrite); err != nil {
		return 0, err
	}
	n, end, err := f.write(p, f.off, f.flags&OAppend != 0)
	f.off = end
	return n, err
}

func (f *memFile) Pwrite(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	f.mu.Lock()
	err := f.check(OWrite)
	f.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, _, err := f.write(p, off, false)
	return n, err
}

// write stores p at off, or at the end if appending, and returns the count
// and the offset just past the bytes written.
func (f *memFile) write(p []byte, off int64, appending bool) (int, int64, error) {
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if appending {
		off = n.size
	}
	c, err := f.fs.writeAt(n, p, off)
	if c > 0 {
		t := now()
		n.mtim, n.ctim = t, t
	}
	return c, off + int64(c), err
}

func (f *memFile) Seek(off int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, syscall.EBADF
	}
	switch whence {
	case SeekStart:
	case SeekCurrent:
		off += f.off
	case SeekEnd:
		f.n.mu.Lock()
		off += f.n.size
		f.n.mu.Unlock()
	default:
		return 0, syscall.EINVAL
	}
	if off < 0 {
		return 0, syscall.EINVAL
	}
	f.off = off
	return off, nil
}

func (f *memFile) Stat() (Stat, error) {
	if err := f.alive(); err != nil {
		return Stat{}, err
	}
	return f.fs.stat(f.n), nil
}

func (f *memFile) alive() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.check(0)
}

// writable reports whether the handle may change the file's contents.
func (f *memFile) writable() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(0); err != nil {
		return err
	}
	if f.n.typ != TypeRegular || f.flags&OWrite == 0 {
		return syscall.EINVAL
	}
	return nil
}

func (f *memFile) Truncate(size int64) error {
	if err := f.writable(); err != nil {
		return err
	}
	if size < 0 {
		return syscall.EINVAL
	}
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	f.fs.truncate(n, size)
	t := now()
	n.mtim, n.ctim = t, t
	return nil
}

func (f *memFile) Sync() error     { return f.alive() }
func (f *memFile) Datasync() error { return f.alive() }

func (f *memFile) Allocate(off, length int64) error {
	if err := f.writable(); err != nil {
		if err == syscall.EINVAL {
			err = syscall.EBADF
		}
		return err
	}
	if off < 0 || length <= 0 || off > math.MaxInt64-length {
		return syscall.EINVAL
	}
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if end := off + length; end > n.size {
		n.size = end
		n.ctim = now()
	}
	return nil
}

func (f *memFile) Advise(off, length int64, advice int) error {
	if off < 0 || length < 0 || advice < AdviceNormal || advice > AdviceNoReuse {
		return syscall.EINVAL
	}
	return f.alive()
}

func (f *memFile) ReadDir() ([]Dirent, error) {
	if err := f.alive(); err != nil {
		return nil, err
	}
	if f.n.typ != TypeDir {
		return nil, syscall.ENOTDIR
	}
	f.fs.mu.RLock()
	ents := make([]Dirent, 0, len(f.n.entries))
	for name, c := range f.n.entries {
		ents = append(ents, Dirent{Name: name, Ino: c.ino, Type: c.typ})
	}
	f.fs.mu.RUnlock()
	slices.SortFunc(ents, func(a, b Dirent) int { return strings.Compare(a.Name, b.Name) })
	return ents, nil
}

func (f *memFile) SetTimes(atim, mtim *int64) error {
	if err := f.alive(); err != nil {
		return err
	}
	f.n.setTimes(atim, mtim)
	return nil
}

func (f *memFile) SetAppend(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(0); err != nil {
		return err
	}
	if on {
		f.flags |= OAppend
	} else {
		f.flags &^= OAppend
	}
	return nil
}

func (f *memFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return syscall.EBADF
	}
	f.closed = true
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	n.opens--
	if n.nlink == 0 && n.opens == 0 && n.typ == TypeRegular {
		f.fs.truncate(n, 0)
	}
	return nil
}

func (m *MemFS) strictLstat() bool { return true }
