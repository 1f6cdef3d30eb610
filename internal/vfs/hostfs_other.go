//go:build !linux

package vfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// HostFS is a directory of the host seen as an FS, confined beneath it.
//
// This portable version stands on os.Root, which keeps every access beneath
// the directory. On top of that it refuses a symlink anywhere in a name
// (ELOOP), as the Linux version does: the Namespace hands it names free of
// symlinks, so one met here was swapped in. The check is made before the
// access and so can race; os.Root still keeps the access inside. Inode
// numbers come from the host where the platform has them and are made up
// from names elsewhere; the access time reads as the modification time.
type HostFS struct {
	dir  string
	root *os.Root
	dev  uint64
}

// NewHostFS opens the host directory dir as an FS. Close it when no process
// uses it any more.
func NewHostFS(dir string) (*HostFS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &HostFS{dir: dir, root: r, dev: newDev()}, nil
}

// hostFSHasAtime tells tests whether this HostFS reports access times.
const hostFSHasAtime = false

// Dir returns the host directory h was made from.
func (h *HostFS) Dir() string { return h.dir }

// Close releases the directory.
func (h *HostFS) Close() error { return h.root.Close() }

// osName turns a checked name into the form os.Root expects.
func osName(name string) string { return filepath.FromSlash(name) }

// noSymlinks checks that no component of name before the last is a symlink.
func (h *HostFS) noSymlinks(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		fi, err := h.root.Lstat(name[:i])
		if err != nil {
			return toErrno(err)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return syscall.ELOOP
		}
		if !fi.IsDir() {
			return syscall.ENOTDIR
		}
	}
	return nil
}

func (h *HostFS) stat(name string, fi fs.FileInfo) Stat {
	st := statOfInfo(h.dev, name, fi)
	hostIdentity(fi, &st)
	return st
}

// Open opens the named object; a final symlink gives ELOOP.
func (h *HostFS) Open(name string, flags OpenFlags, perm uint32) (File, error) {
	if err := h.noSymlinks(name); err != nil {
		return nil, err
	}
	if flags&(OCreate|ODirectory) == OCreate|ODirectory {
		return nil, syscall.EINVAL
	}
	fi, err := h.root.Lstat(osName(name))
	switch {
	case err == nil && flags&(OCreate|OExcl) == OCreate|OExcl:
		return nil, syscall.EEXIST
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return nil, syscall.ELOOP
	case err == nil && fi.IsDir() && flags&(OWrite|OTrunc|OCreate) != 0:
		return nil, syscall.EISDIR
	case err == nil && !fi.IsDir() && flags&ODirectory != 0:
		return nil, syscall.ENOTDIR
	case err != nil && (flags&OCreate == 0 || !os.IsNotExist(err)):
		return nil, toErrno(err)
	}
	o := os.O_RDONLY
	switch {
	case flags&(ORead|OWrite) == ORead|OWrite:
		o = os.O_RDWR
	case flags&OWrite != 0:
		o = os.O_WRONLY
	}
	// Append mode is kept here, not in the descriptor, so that SetAppend
	// can turn it off and WriteAt stays usable.
	if flags&OCreate != 0 {
		o |= os.O_CREATE
	}
	if flags&OExcl != 0 {
		o |= os.O_EXCL
	}
	if flags&OTrunc != 0 {
		o |= os.O_TRUNC
	}
	if flags&(OSync|ODsync) != 0 {
		o |= os.O_SYNC
	}
	f, err := h.root.OpenFile(osName(name), o, fs.FileMode(perm&0o777))
	if err != nil {
		return nil, toErrno(err)
	}
	return &otherFile{fs: h, name: name, f: f, appending: flags&OAppend != 0}, nil
}

// Lstat describes the named object itself.
func (h *HostFS) Lstat(name string) (Stat, error) {
	if err := h.noSymlinks(name); err != nil {
		return Stat{}, err
	}
	fi, err := h.root.Lstat(osName(name))
	if err != nil {
		return Stat{}, toErrno(err)
	}
	return h.stat(name, fi), nil
}

// Readlink returns the target of the named symlink.
func (h *HostFS) Readlink(name string) (string, error) {
	if err := h.noSymlinks(name); err != nil {
		return "", err
	}
	t, err := h.root.Readlink(osName(name))
	return t, toErrno(err)
}

// Mkdir creates a directory.
func (h *HostFS) Mkdir(name string, perm uint32) error {
	if err := h.noSymlinks(name); err != nil {
		return err
	}
	return toErrno(h.root.Mkdir(osName(name), fs.FileMode(perm&0o777)))
}

// Rmdir removes an empty directory.
func (h *HostFS) Rmdir(name string) error {
	if st, err := h.Lstat(name); err != nil {
		return err
	} else if st.Type != TypeDir {
		return syscall.ENOTDIR
	}
	return toErrno(h.root.Remove(osName(name)))
}

// Unlink removes a non-directory.
func (h *HostFS) Unlink(name string) error {
	if st, err := h.Lstat(name); err != nil {
		return err
	} else if st.Type == TypeDir {
		return syscall.EISDIR
	}
	return toErrno(h.root.Remove(osName(name)))
}

// Rename moves oldName to newName.
func (h *HostFS) Rename(oldName, newName string) error {
	if err := h.noSymlinks(oldName); err != nil {
		return err
	}
	if err := h.noSymlinks(newName); err != nil {
		return err
	}
	// os.Root reports clashes its own way on some systems: decide the
	// POSIX answer first.
	from, err := h.Lstat(oldName)
	if err != nil {
		return err
	}
	if to, err := h.Lstat(newName); err == nil && from.Ino != to.Ino {
		switch {
		case from.Type == TypeDir && to.Type != TypeDir:
			return syscall.ENOTDIR
		case from.Type != TypeDir && to.Type == TypeDir:
			return syscall.EISDIR
		case from.Type == TypeDir:
			// os refuses to replace a directory: remove the (empty) target
			// first, which makes this rename non-atomic here.
			if err := toErrno(h.root.Remove(osName(newName))); err != nil {
				if err == syscall.EEXIST {
					err = syscall.ENOTEMPTY
				}
				return err
			}
		}
	}
	err = toErrno(h.root.Rename(osName(oldName), osName(newName)))
	if err == syscall.EEXIST {
		err = syscall.ENOTEMPTY // POSIX allows either; Linux and MemFS say this
	}
	return err
}

// Link makes newName a hard link to oldName.
func (h *HostFS) Link(oldName, newName string) error {
	if err := h.noSymlinks(oldName); err != nil {
		return err
	}
	if err := h.noSymlinks(newName); err != nil {
		return err
	}
	return toErrno(h.root.Link(osName(oldName), osName(newName)))
}

// Symlink creates a symlink holding target.
func (h *HostFS) Symlink(target, name string) error {
	if err := h.noSymlinks(name); err != nil {
		return err
	}
	return toErrno(h.root.Symlink(target, osName(name)))
}

// SetTimes sets the times of the named object; the times of a symlink
// itself cannot be set portably and are left alone.
func (h *HostFS) SetTimes(name string, atim, mtim *int64) error {
	st, err := h.Lstat(name)
	if err != nil || st.Type == TypeSymlink {
		return err
	}
	a, m := pickTimes(st, atim, mtim)
	return toErrno(h.root.Chtimes(osName(name), a, m))
}

func pickTimes(st Stat, atim, mtim *int64) (time.Time, time.Time) {
	pick := func(p *int64, old int64) time.Time {
		switch {
		case p == nil:
			return time.Unix(0, old)
		case *p == TimeNow:
			return time.Now()
		}
		return time.Unix(0, *p)
	}
	return pick(atim, st.Atim), pick(mtim, st.Mtim)
}

// otherFile is a file opened through the portable HostFS.
type otherFile struct {
	fs        *HostFS
	name      string
	f         *os.File
	mu        sync.Mutex // guards appending
	appending bool
}

func eof(n int, err error) (int, error) {
	if err == io.EOF {
		return n, nil
	}
	return n, toErrno(err)
}

func (f *otherFile) Read(p []byte) (int, error) { return eof(f.f.Read(p)) }

func (f *otherFile) Pread(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	return eof(f.f.ReadAt(p, off))
}

func (f *otherFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	appending := f.appending
	f.mu.Unlock()
	if appending {
		if _, err := f.f.Seek(0, io.SeekEnd); err != nil {
			return 0, toErrno(err)
		}
	}
	n, err := f.f.Write(p)
	return n, toErrno(err)
}

func (f *otherFile) Pwrite(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, syscall.EINVAL
	}
	n, err := f.f.WriteAt(p, off)
	return n, toErrno(err)
}

func (f *otherFile) Seek(off int64, whence int) (int64, error) {
	n, err := f.f.Seek(off, whence)
	return n, toErrno(err)
}

func (f *otherFile) Stat() (Stat, error) {
	fi, err := f.f.Stat()
	if err != nil {
		return Stat{}, toErrno(err)
	}
	return f.fs.stat(f.name, fi), nil
}

func (f *otherFile) Truncate(size int64) error { return toErrno(f.f.Truncate(size)) }
func (f *otherFile) Sync() error               { return toErrno(f.f.Sync()) }
func (f *otherFile) Datasync() error           { return toErrno(f.f.Sync()) }

func (f *otherFile) Allocate(off, length int64) error {
	fi, err := f.f.Stat()
	if err != nil {
		return toErrno(err)
	}
	if end := off + length; end > fi.Size() {
		return toErrno(f.f.Truncate(end))
	}
	return nil
}

func (f *otherFile) Advise(off, length int64, advice int) error { return nil }

func (f *otherFile) ReadDir() ([]Dirent, error) {
	fi, err := f.f.Stat()
	if err != nil {
		return nil, toErrno(err)
	}
	if !fi.IsDir() {
		return nil, syscall.ENOTDIR
	}
	dir, err := f.fs.root.Open(osName(f.name))
	if err != nil {
		return nil, toErrno(err)
	}
	defer dir.Close()
	des, err := dir.ReadDir(-1)
	if err != nil {
		return nil, toErrno(err)
	}
	ents := make([]Dirent, len(des))
	for i, d := range des {
		ents[i] = Dirent{Name: d.Name(), Type: typeOfMode(d.Type())}
		if fi, err := d.Info(); err == nil {
			ents[i].Ino = f.fs.stat(joinName(f.name, d.Name()), fi).Ino
		}
	}
	return ents, nil
}

func (f *otherFile) SetTimes(atim, mtim *int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	a, m := pickTimes(st, atim, mtim)
	return toErrno(f.fs.root.Chtimes(osName(f.name), a, m))
}

func (f *otherFile) SetAppend(on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.appending = on
	return nil
}

func (f *otherFile) Close() error { return toErrno(f.f.Close()) }

// strictLstat: Lstat checks every component for symlinks first.
func (h *HostFS) strictLstat() bool { return true }
